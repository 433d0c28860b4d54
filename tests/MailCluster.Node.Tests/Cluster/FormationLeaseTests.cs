using MailCluster.TestSupport;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace MailCluster.Node.Tests.Cluster;

/// <summary>
/// The StatefulSet case: pod-0 is the first seed of every node. Restarted where it cannot reach the others (a
/// partition), Akka alone would let it form a second cluster after seed-node-timeout; the formation lease in the shared
/// PostgreSQL keeps it out until it can join the running cluster. A whole cluster restarted still forms again.
/// </summary>
public sealed class FormationLeaseTests(ITestOutputHelper output)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_restarted_first_seed_that_cannot_reach_the_cluster_never_forms_a_second_one()
    {
        await using var cluster = await ClusterHarness.StartAsync(extraConfig: "mailcluster.cluster.formation-lease.ttl = 6s\nakka.loglevel = INFO");
        await WaitUntilAsync(async () => (await UpMembersAsync(cluster.Nodes[1]!)).Count == 3, TimeSpan.FromSeconds(60), "three members up");

        cluster.Nodes[0]!.Kill();
        await WaitUntilAsync(async () => (await UpMembersAsync(cluster.Nodes[1]!)).Count == 2 && (await MembersAsync(cluster.Nodes[1]!)).Count == 2,
            TimeSpan.FromSeconds(60), "the killed first seed downed and removed");

        // Partitioned: its own address first, the others unreachable. Without the lease it forms alone after ~5 s.
        var unreachable = new[] { FreePorts.ForChildProcess(), FreePorts.ForChildProcess() };
        var seeds = new[] { cluster.RemotingPorts[0] }.Concat(unreachable).Select(p => $"\"akka.tcp://mailcluster@127.0.0.1:{p}\"");
        using var partitioned = await NodeProcess.StartAsync(cluster.Config(0) + $"\nmailcluster.cluster.seed-nodes = [{string.Join(", ", seeds)}]", cluster.Dir.Path);
        var waitedUntil = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < waitedUntil)
        {
            Assert.Empty(await UpMembersAsync(partitioned));
            await Task.Delay(500);
        }
        Assert.Contains("joining the other seeds only, never forming a cluster alone", partitioned.StdOut);
        Assert.Equal(2, (await UpMembersAsync(cluster.Nodes[1]!)).Count);
        partitioned.Kill();
        await partitioned.WaitForExitAsync(TimeSpan.FromSeconds(10));

        // The partition heals: the same node with its real seeds joins the running cluster.
        cluster.Nodes[0]!.Dispose();
        await cluster.StartNodeAsync(0);
        await WaitUntilAsync(async () => (await UpMembersAsync(cluster.Nodes[0]!)).Count == 3, TimeSpan.FromSeconds(60), "the first seed rejoined");

        // Everything stops at once and comes back: once the lease expires the first seed forms the cluster again.
        foreach (var node in cluster.Nodes) { node!.Kill(); node.Dispose(); } // each is replaced below
        var restart = DateTime.UtcNow;
        await cluster.StartNodeAsync(0);
        await WaitUntilAsync(async () => (await UpMembersAsync(cluster.Nodes[0]!)).Count == 1, TimeSpan.FromSeconds(45), "a new cluster formed");
        output.WriteLine($"after a full stop the first seed formed a cluster again in {(DateTime.UtcNow - restart).TotalSeconds:F1} s");
        await Task.WhenAll(cluster.StartNodeAsync(1), cluster.StartNodeAsync(2));
        await WaitUntilAsync(async () => (await UpMembersAsync(cluster.Nodes[0]!)).Count == 3, TimeSpan.FromSeconds(60), "all three up again");
    }

    private static async Task<List<string>> MembersAsync(NodeProcess node, string? status = null)
    {
        var view = await Http.GetFromJsonAsync<JsonElement>(new Uri(node.AdminUrl!, "/api/cluster"));
        return view.GetProperty("members").EnumerateArray()
            .Where(m => status is null || m.GetProperty("status").GetString() == status)
            .Select(m => m.GetProperty("address").GetString()!).ToList();
    }

    private static Task<List<string>> UpMembersAsync(NodeProcess node) => MembersAsync(node, "Up");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(250);
        }
    }
}
