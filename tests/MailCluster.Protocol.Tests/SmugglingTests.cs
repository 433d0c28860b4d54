using System.Text;

namespace MailCluster.Protocol.Tests;

/// <summary>
/// SMTP smuggling (CVE-2023-51764 and friends): a body must never end at anything but CRLF.CRLF, so no bare CR/LF
/// variant can split one DATA into two messages. Each attempt is answered 5xx and nothing of it is stored.
/// </summary>
public sealed class SmugglingTests
{
    public static TheoryData<string> Variants => new()
    {
        "\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r", "\r.\r\n", "\r\n.\r", "\n.\r", ".\n", "\r\n.\n\r\n",
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task A_bare_line_ending_terminator_never_ends_data_and_never_smuggles_a_second_message(string fakeEnd)
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO attacker.example\r\n");
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.org>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<user@localhost>\r\n"));
        Assert.StartsWith("354", await client.CommandAsync("DATA\r\n"));

        var smuggled = "Subject: first\r\n\r\nhello" + fakeEnd +
            "MAIL FROM:<admin@local.test>\r\nRCPT TO:<user@localhost>\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\n";
        await client.SendAsync(Encoding.ASCII.GetBytes(smuggled));
        var replies = new List<string>();
        for (var reply = await client.ReadReplyAsync(); reply.Length > 0; reply = await client.ReadReplyAsync())
            replies.Add(reply);

        Assert.NotEmpty(replies);
        Assert.StartsWith("5", replies[0]);
        Assert.DoesNotContain(replies, r => r.Contains("queued as"));
        Assert.Empty(await node.StoredMessagesAsync());
    }

    [Theory]
    [InlineData("line with bare\nLF\r\n")]
    [InlineData("line with bare\rCR\r\n")]
    public async Task A_bare_cr_or_lf_inside_data_is_refused_with_5xx(string line)
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO c.example\r\n");
        await client.CommandAsync("MAIL FROM:<a@example.org>\r\n");
        await client.CommandAsync("RCPT TO:<user@localhost>\r\n");
        await client.CommandAsync("DATA\r\n");

        var reply = await client.CommandAsync("Subject: x\r\n\r\n" + line + ".\r\n");

        Assert.StartsWith("521 5.5.2", reply);
        Assert.Empty(await node.StoredMessagesAsync());
    }

    [Fact]
    public async Task Bdat_with_a_bare_lf_is_refused_and_the_next_chunks_are_read_but_refused()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO c.example\r\n");
        await client.CommandAsync("MAIL FROM:<a@example.org>\r\n");
        await client.CommandAsync("RCPT TO:<user@localhost>\r\n");

        var chunk1 = "Subject: x\n\r\n";
        Assert.StartsWith("550 5.6.0", await client.CommandAsync($"BDAT {chunk1.Length}\r\n{chunk1}"));
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("BDAT 6 LAST\r\nbody\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("NOOP\r\n"));
        Assert.Empty(await node.StoredMessagesAsync());
    }
}
