namespace MailCluster.Protocol.Tests;

/// <summary>Rate limits are counted by sharded counters (one per client IP or login), here on a cluster of one.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Messages_over_the_per_ip_limit_are_deferred_with_450_4_7_1()
    {
        await using var node = await TestNode.StartAsync("mailcluster.policy.rate-limits.messages-per-ip = 2");
        await node.WarmUpRateCountersAsync("ip:127.0.0.1/messages", "ip:127.0.0.1/recipients");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO client.example\r\n");
        for (var i = 0; i < 2; i++)
        {
            Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.org>\r\n"));
            Assert.StartsWith("250", await client.CommandAsync("RSET\r\n"));
        }
        var refused = await client.CommandAsync("MAIL FROM:<a@example.org>\r\n");
        Assert.StartsWith("450 4.7.1", refused);
        Assert.Contains("127.0.0.1", refused);
    }

    [Fact]
    public async Task Recipients_over_the_per_ip_limit_are_deferred_and_those_within_it_are_kept()
    {
        await using var node = await TestNode.StartAsync("mailcluster.policy.rate-limits.recipients-per-ip = 2");
        await node.WarmUpRateCountersAsync("ip:127.0.0.1/messages", "ip:127.0.0.1/recipients");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO client.example\r\n");
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.org>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<a@localhost>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@localhost>\r\n"));
        Assert.StartsWith("450 4.7.1", await client.CommandAsync("RCPT TO:<c@localhost>\r\n"));
        Assert.StartsWith("354", await client.CommandAsync("DATA\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("Subject: t\r\n\r\nhi\r\n.\r\n"));
        var stored = Assert.Single(await node.StoredMessagesAsync());
        Assert.Equal(["a@localhost", "b@localhost"], stored.Recipients);
    }

    [Fact]
    public async Task Trusted_networks_are_exempt()
    {
        await using var node = await TestNode.StartAsync("""
            mailcluster.policy.rate-limits.messages-per-ip = 1
            mailcluster.policy.mynetworks = ["127.0.0.0/8"]
            """);
        await node.WarmUpRateCountersAsync("ip:127.0.0.1/messages", "ip:127.0.0.1/recipients");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO client.example\r\n");
        for (var i = 0; i < 3; i++)
        {
            Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.org>\r\n"));
            Assert.StartsWith("250", await client.CommandAsync("RSET\r\n"));
        }
    }
}
