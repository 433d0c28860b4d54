namespace MailCluster.Protocol.Tests;

public sealed class StartTlsTests(DefaultNodeFixture fixture) : IClassFixture<DefaultNodeFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task Plaintext_pipelined_after_starttls_is_discarded_not_executed_inside_tls()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        await client.CommandAsync("EHLO tls.example\r\n");
        // CVE-2011-0411: the injected commands arrive in the same packet as STARTTLS.
        await client.SendAsync("STARTTLS\r\nMAIL FROM:<injected@example.org>\r\nRCPT TO:<user@localhost>\r\n");
        Assert.StartsWith("220 2.0.0", await client.ReadReplyAsync());
        await client.StartTlsAsync();

        // Had the injection run, these would get 503 (no HELO after reset would still refuse) or 250s for MAIL/RCPT.
        var ehlo = await client.CommandAsync("EHLO tls.example\r\n");
        Assert.StartsWith("250-mx.test", ehlo);
        Assert.DoesNotContain("STARTTLS", ehlo);
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<real@example.org>\r\n"));
    }

    [Fact]
    public async Task Starttls_resets_the_session_so_ehlo_is_needed_again()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        await client.CommandAsync("EHLO tls.example\r\n");
        Assert.StartsWith("220", await client.CommandAsync("STARTTLS\r\n"));
        await client.StartTlsAsync();
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("MAIL FROM:<a@example.org>\r\n"));
        await client.CommandAsync("EHLO tls.example\r\n");
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("STARTTLS\r\n"));
    }
}
