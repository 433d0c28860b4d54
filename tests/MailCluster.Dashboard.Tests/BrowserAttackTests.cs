using System.Text.Json;
using MailCluster.Cluster.Admin;
using MailCluster.Protocol.Tests.Admin;
using Xunit.Abstractions;

namespace MailCluster.Dashboard.Tests;

/// <summary>
/// A real browser turned against an admin API on loopback without a token (the default): by DNS rebinding and by a
/// cross-site request from another local page. Neither may read the queues or delete mail.
/// </summary>
public sealed class BrowserAttackTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_rebound_page_and_a_cross_site_page_can_neither_read_the_queues_nor_delete_mail()
    {
        BrowserCheck.AssertInstalled();
        await using var admin = await AdminHarness.StartAsync();
        var rebindTarget = await admin.SendAsync("rebind@relay.test");
        var crossSiteTarget = await admin.SendAsync("crosssite@relay.test");

        var (exitCode, log) = await BrowserCheck.RunScriptAsync("attack-check.mjs",
            [admin.Node.Host.Admin!.Endpoint.Port.ToString(), rebindTarget, crossSiteTarget], token: null);
        output.WriteLine(log);
        Assert.True(exitCode == 0, $"attack-check.mjs exited {exitCode}:\n{log}");
        var line = Assert.Single(log.Split('\n'), l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        var result = JsonDocument.Parse(line["RESULT ".Length..]).RootElement;
        Assert.False(result.TryGetProperty("error", out var error), $"the browser script failed: {error}");

        // The rebound page is misdirected, whatever it asks for.
        Assert.Equal(421, result.GetProperty("rebindPage").GetInt32());
        Assert.Equal(421, result.GetProperty("rebindRead").GetInt32());
        Assert.Equal(421, result.GetProperty("rebindDelete").GetInt32());
        // The cross-site POST left the browser (so the test can fail), and the node refused it: both messages are still queued.
        Assert.True(result.GetProperty("crossSiteSent").ValueKind == JsonValueKind.True, result.GetProperty("crossSiteSent").ToString());
        var entries = await admin.GetAsync<QueueEntriesView>($"/api/queues/{AdminHarness.Escape(admin.Hop)}/entries");
        Assert.Equal(new[] { rebindTarget, crossSiteTarget }.Order(), entries.Entries.Select(e => e.QueueId).Order());
    }
}
