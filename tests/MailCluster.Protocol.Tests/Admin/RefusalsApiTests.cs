using System.Text.Json;
using MailCluster.Cluster.Admin;
using static MailCluster.Protocol.Tests.Admin.AdminHarness;

namespace MailCluster.Protocol.Tests.Admin;

/// <summary>GET /api/policy/refusals: what the dashboard's policy page shows, after real refused SMTP sessions.</summary>
public sealed class RefusalsApiTests
{
    [Fact]
    public async Task Refused_relay_attempts_are_grouped_by_rule_with_the_client_ip_and_permits_are_not_listed()
    {
        await using var admin = await AdminHarness.StartAsync();
        await admin.SendAsync("ok@relay.test"); // permitted: must not show up
        await using (var client = await RawSmtpClient.ConnectAsync(admin.Node.Endpoint))
        {
            Assert.StartsWith("250", await client.CommandAsync("EHLO prober.example\r\n"));
            Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@origin.test>\r\n"));
            Assert.StartsWith("554", await client.CommandAsync("RCPT TO:<victim@foreign.example>\r\n"));
            Assert.StartsWith("554", await client.CommandAsync("RCPT TO:<victim%other.example@relay.test>\r\n"));
        }

        RefusalsView? view = null;
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            view = await admin.GetAsync<RefusalsView>("/api/policy/refusals");
            if (view.Total >= 2) break;
            await Task.Delay(100);
        }
        Assert.NotNull(view);
        Assert.Empty(view.NodesNotAnswering);
        var relay = Assert.Single(view.Rules, g => g.Rule == "reject-unauth-destination");
        Assert.Equal(2, relay.Count);
        Assert.Equal([new ClientCount("127.0.0.1", 2)], relay.Clients);
        Assert.StartsWith("554 5.7.1", relay.Reply);
        Assert.DoesNotContain(view.Rules, g => g.Rule.Contains("permit", StringComparison.Ordinal));
    }
}
