using MailCluster.Cluster.Hosting;

namespace MailCluster.Protocol.Tests.Policy;

/// <summary>Host.ReloadPolicyAsync swaps the policy under live sessions; they keep going with the new rules.</summary>
public sealed class PolicyReloadTests
{
    /// <summary>The same layering TestNode uses, so a reload sees what a SIGHUP with the same file would.</summary>
    private static (Akka.Configuration.Config Layered, Akka.Configuration.Config User) Config(TestNode node, string overrides)
    {
        var user = MailClusterConfig.Parse($$"""
            akka.loglevel = WARNING
            mailcluster {
              hostname = "mx.test"
              data-dir = "{{node.DataDir.Replace("\\", "/")}}"
              local-domains = ["localhost", "local.test"]
              policy.mynetworks = []
              smtp.listeners.mx.endpoint = "127.0.0.1:0"
              smtp.limits.error-delay = 0s
            }
            {{overrides}}
            """, "reload-test");
        return (MailClusterConfig.Layer(user), user);
    }

    [Fact]
    public async Task A_relay_domain_added_mid_session_is_usable_on_the_same_session()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        Assert.StartsWith("250", await client.CommandAsync("EHLO peer.example\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<someone@example.net>\r\n"));
        Assert.StartsWith("554 5.7.1", await client.CommandAsync("RCPT TO:<user@new-relay.test>\r\n"));

        var (config, user) = Config(node, "mailcluster.relay-domains = [\"new-relay.test\"]");
        await node.Host.ReloadPolicyAsync(config, user);

        Assert.StartsWith("250 2.1.5", await client.CommandAsync("RCPT TO:<user@new-relay.test>\r\n"));
        Assert.StartsWith("250 2.1.5", await client.CommandAsync("RCPT TO:<alice@local.test>\r\n"));
        var stored = await PolicyTestKit.StoredAsync(node, await PolicyTestKit.SendDataAsync(client));
        Assert.Equal(["user@new-relay.test", "alice@local.test"], stored.Recipients);

        // The session is still fully usable for the next transaction.
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<other@example.net>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<x@new-relay.test>\r\n"));
        await PolicyTestKit.SendDataAsync(client);
        Assert.StartsWith("221", await client.CommandAsync("QUIT\r\n"));
    }

    [Fact]
    public async Task A_removed_relay_domain_is_refused_from_the_next_rcpt()
    {
        await using var node = await TestNode.StartAsync("mailcluster.relay-domains = [\"old-relay.test\"]");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO peer.example\r\n");
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<someone@example.net>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<a@old-relay.test>\r\n"));

        var (config, user) = Config(node, "");
        await node.Host.ReloadPolicyAsync(config, user);

        Assert.StartsWith("554 5.7.1", await client.CommandAsync("RCPT TO:<b@old-relay.test>\r\n"));
        // What was accepted before the reload stays accepted.
        var stored = await PolicyTestKit.StoredAsync(node, await PolicyTestKit.SendDataAsync(client));
        Assert.Equal(["a@old-relay.test"], stored.Recipients);
    }

    [Fact]
    public async Task A_bad_config_is_refused_and_the_old_policy_stays()
    {
        await using var node = await TestNode.StartAsync("mailcluster.relay-domains = [\"relay.test\"]");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO peer.example\r\n");
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<someone@example.net>\r\n"));

        var (config, user) = Config(node, "mailcluster.policy.recipient-restrictions = [permit]");
        var ex = await Assert.ThrowsAsync<ConfigValidationException>(() => node.Host.ReloadPolicyAsync(config, user));
        Assert.Contains(ex.Problems, p => p.Path == "mailcluster.policy.recipient-restrictions");

        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<x@relay.test>\r\n"));
        Assert.StartsWith("554 5.7.1", await client.CommandAsync("RCPT TO:<x@foreign.example>\r\n"));
    }

    [Fact]
    public async Task Users_added_by_a_reload_can_authenticate_on_an_open_session()
    {
        await using var node = await TestNode.StartAsync("mailcluster.smtp.listeners.mx.auth-allow-plaintext = on");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO mua.example\r\n");
        var auth = $"AUTH PLAIN {PolicyTestKit.PlainResponse(PolicyTestKit.AliceLogin, PolicyTestKit.AlicePassword)}\r\n";
        Assert.StartsWith("535", await client.CommandAsync(auth));

        var (config, user) = Config(node, "mailcluster.smtp.listeners.mx.auth-allow-plaintext = on\n" + PolicyTestKit.Users);
        await node.Host.ReloadPolicyAsync(config, user);

        Assert.StartsWith("235", await client.CommandAsync(auth));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<alice@local.test>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<friend@foreign.example>\r\n"));
    }
}
