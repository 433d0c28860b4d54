namespace MailCluster.Protocol.Tests;

/// <summary>RFC 5321 replies with RFC 3463 enhanced codes, over a real socket.</summary>
public sealed class ReplyCodeTests(DefaultNodeFixture fixture) : IClassFixture<DefaultNodeFixture>
{
    private TestNode Node => fixture.Node;

    private async Task<RawSmtpClient> GreetedAsync()
    {
        var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        Assert.StartsWith("250", await client.CommandAsync("EHLO codes.example\r\n"));
        return client;
    }

    [Fact]
    public async Task Ehlo_advertises_the_extensions()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        var ehlo = await client.CommandAsync("EHLO codes.example\r\n");
        var keywords = ehlo.Split('\n').Select(line => line[4..]).ToList();
        foreach (var ext in new[] { "PIPELINING", "SIZE 10485760", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "STARTTLS" })
            Assert.Contains(ext, keywords);
    }

    [Fact]
    public async Task Mail_before_helo_is_a_sequence_error()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("MAIL FROM:<a@example.org>\r\n"));
    }

    [Theory]
    [InlineData("RCPT TO:<user@localhost>\r\n", "503 5.5.1")]
    [InlineData("DATA\r\n", "503 5.5.1")]
    [InlineData("MAIL FROM:a@example.org\r\n", "501 5.5.4")]
    [InlineData("MAIL TO:<a@example.org>\r\n", "501 5.5.4")]
    [InlineData("MAIL FROM:<a@example.org> FOO=BAR\r\n", "555 5.5.4")]
    [InlineData("MAIL FROM:<a@example.org> SIZE=99999999999\r\n", "552 5.3.4")]
    [InlineData("MAIL FROM:<ü@example.org>\r\n", "553 5.6.7")]
    [InlineData("FROB\r\n", "500 5.5.2")]
    [InlineData("VRFY user\r\n", "252 2.5.0")]
    [InlineData("HELP\r\n", "214")]
    [InlineData("NOOP\r\n", "250 2.0.0")]
    [InlineData("RSET\r\n", "250 2.0.0")]
    [InlineData("AUTH PLAIN\r\n", "538 5.7.11")]
    [InlineData("EHLO\r\n", "501 5.5.4")]
    [InlineData("MAIL FROM:<>\r\n", "250 2.1.0")]
    public async Task Command_gets_the_right_reply(string command, string expected)
    {
        await using var client = await GreetedAsync();
        Assert.StartsWith(expected, await client.CommandAsync(command));
    }

    [Fact]
    public async Task Nested_mail_and_bare_postmaster_and_unknown_domain()
    {
        await using var client = await GreetedAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<>\r\n"));
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("MAIL FROM:<a@example.org>\r\n"));
        Assert.StartsWith("250 2.1.5", await client.CommandAsync("RCPT TO:<postmaster>\r\n"));
        Assert.StartsWith("250 2.1.5", await client.CommandAsync("RCPT TO:<Postmaster@LOCALHOST.>\r\n"));
        Assert.StartsWith("554 5.7.1", await client.CommandAsync("RCPT TO:<user@[127.0.0.1]>\r\n"));
        Assert.StartsWith("501 5.5.4", await client.CommandAsync("RCPT TO:<user>\r\n"));
    }

    [Fact]
    public async Task A_command_line_over_1000_octets_is_refused_and_the_session_continues()
    {
        await using var client = await GreetedAsync();
        Assert.StartsWith("500 5.5.6", await client.CommandAsync("NOOP " + new string('x', 1200) + "\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("NOOP\r\n"));
    }

    [Fact]
    public async Task A_data_line_over_1000_octets_refuses_the_message()
    {
        await using var client = await GreetedAsync();
        await client.CommandAsync("MAIL FROM:<a@example.org>\r\n");
        await client.CommandAsync("RCPT TO:<user@localhost>\r\n");
        await client.CommandAsync("DATA\r\n");
        Assert.StartsWith("500 5.5.6", await client.CommandAsync("Subject: x\r\n\r\n" + new string('y', 1200) + "\r\n.\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("NOOP\r\n"));
    }

    [Fact]
    public async Task Command_lines_with_bare_lf_are_refused()
    {
        await using var client = await GreetedAsync();
        Assert.StartsWith("501 5.5.4", await client.CommandAsync("NOOP\n"));
    }

    [Fact]
    public async Task Quit_closes_with_221()
    {
        await using var client = await GreetedAsync();
        Assert.StartsWith("221 2.0.0", await client.CommandAsync("QUIT\r\n"));
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }
}
