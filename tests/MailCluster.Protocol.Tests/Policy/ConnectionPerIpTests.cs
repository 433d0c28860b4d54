namespace MailCluster.Protocol.Tests.Policy;

public sealed class ConnectionPerIpTests
{
    [Fact]
    public async Task Third_concurrent_connection_from_one_ip_gets_421_and_a_slot_frees_when_a_session_ends()
    {
        await using var node = await TestNode.StartAsync("mailcluster.smtp.limits.max-connections-per-ip = 2");
        await using var first = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await using var second = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await using (var third = await RawSmtpClient.ConnectAsync(node.Endpoint, readGreeting: false))
        {
            Assert.StartsWith("421 4.7.0", await third.ReadReplyAsync());
            Assert.True(await third.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        }
        // The two admitted sessions are unaffected.
        Assert.StartsWith("250", await first.CommandAsync("EHLO one.example\r\n"));
        Assert.StartsWith("250", await second.CommandAsync("NOOP\r\n"));

        Assert.StartsWith("221", await first.CommandAsync("QUIT\r\n"));
        Assert.True(await first.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await node.Host.ActiveSessionsAsync("mx") > 1 && DateTime.UtcNow < deadline) await Task.Delay(20);
        await using var fourth = await RawSmtpClient.ConnectAsync(node.Endpoint);
        Assert.StartsWith("250", await fourth.CommandAsync("NOOP\r\n"));
    }

    [Fact]
    public async Task The_per_ip_limit_of_one_listener_may_be_overridden()
    {
        await using var node = await TestNode.StartAsync("""
            mailcluster.smtp.limits.max-connections-per-ip = 1
            mailcluster.smtp.listeners.submission { endpoint = "127.0.0.1:0", limits.max-connections-per-ip = 3 }
            """);
        await using var mx1 = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await using var mx2 = await RawSmtpClient.ConnectAsync(node.Endpoint, readGreeting: false);
        Assert.StartsWith("421 4.7.0", await mx2.ReadReplyAsync());

        var submission = node.Host.Endpoints["submission"];
        await using var s1 = await RawSmtpClient.ConnectAsync(submission);
        await using var s2 = await RawSmtpClient.ConnectAsync(submission);
        await using var s3 = await RawSmtpClient.ConnectAsync(submission);
        await using var s4 = await RawSmtpClient.ConnectAsync(submission, readGreeting: false);
        Assert.StartsWith("421 4.7.0", await s4.ReadReplyAsync());
    }

    [Fact]
    public async Task Trusted_networks_are_not_limited_per_ip()
    {
        await using var node = await TestNode.StartAsync("""
            mailcluster.smtp.limits.max-connections-per-ip = 1
            mailcluster.policy.mynetworks = ["127.0.0.0/8"]
            """);
        await using var first = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await using var second = await RawSmtpClient.ConnectAsync(node.Endpoint);
        Assert.StartsWith("250", await second.CommandAsync("NOOP\r\n"));
        Assert.StartsWith("250", await first.CommandAsync("NOOP\r\n"));
    }
}
