using System.Text;
using Xunit.Abstractions;

namespace MailCluster.Node.Tests.Cluster;

/// <summary>Restarting every node in turn (SIGTERM: drain, hand shards off, leave) under load loses nothing.</summary>
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private static string MessageId(byte[] content) =>
        Encoding.ASCII.GetString(content).Split("\r\n").First(l => l.StartsWith("Message-ID: "))["Message-ID: ".Length..];

    [Fact]
    public async Task A_rolling_restart_of_all_three_nodes_under_load_loses_no_acknowledged_message()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        var load = new LoadGenerator(1500, reconnectFor: TimeSpan.FromSeconds(60));
        // Sessions follow their node across its restart (the SMTP port is picked anew each start).
        var sending = load.RunAsync(Enumerable.Range(0, 6).Select(i => (Func<int>)(() => cluster.Nodes[i % 3]!.Port)));

        for (var i = 0; i < 3; i++)
        {
            var before = load.Acked;
            await WaitUntilAsync(() => load.Acked >= before + 100 || sending.IsCompleted, TimeSpan.FromSeconds(60), "traffic flowing");
            var node = cluster.Nodes[i]!;
            node.Terminate();
            Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            node.Dispose();
            await cluster.StartNodeAsync(i);
            output.WriteLine($"node{i + 1} restarted after {load.Acked} acknowledged");
        }
        await sending;

        var acknowledged = load.Acknowledged.Keys.ToHashSet();
        await WaitUntilAsync(() => acknowledged.IsSubsetOf(cluster.Sink.Messages.Select(m => MessageId(m.Content))),
            TimeSpan.FromSeconds(90), "every acknowledged message at the sink");
        var received = cluster.Sink.Messages.Select(m => MessageId(m.Content)).ToList();
        output.WriteLine($"acknowledged {acknowledged.Count} of 1500, received {received.Distinct().Count()} distinct, " +
                         $"duplicates {received.Count - received.Distinct().Count()}");
        Assert.True(acknowledged.Count >= 1000, $"only {acknowledged.Count} acknowledged");
        // A queue that moves lets its deliveries under way finish and journal first, so a graceful restart sends nothing twice.
        Assert.Equal(received.Count, received.Distinct().Count());
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
