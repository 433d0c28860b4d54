using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace MailCluster.Node.Tests.Cluster;

/// <summary>
/// Elasticity with mail in the queues: a fourth node joins and the least-shard allocation moves queue shards to it, then a
/// node is drained (SIGTERM) while its queues still hold undeliverable mail, and the others deliver that mail.
/// The sink is down until after the drain, so every message is still queued when its queue moves.
/// </summary>
public sealed class ScaleOutAndDrainTests(ITestOutputHelper output)
{
    private const int Messages = 120;

    private static string MessageId(byte[] content) =>
        Encoding.ASCII.GetString(content).Split("\r\n").First(l => l.StartsWith("Message-ID: "))["Message-ID: ".Length..];

    [Fact]
    public async Task A_joining_node_takes_queue_shards_and_a_drained_nodes_queued_mail_is_delivered_by_the_others()
    {
        await using var cluster = await ClusterHarness.StartAsync(size: 4, running: 3);
        await cluster.Sink.StopListeningAsync();
        var admin = cluster.Nodes[0]!.AdminUrl!;

        var load = new LoadGenerator(Messages, reconnectFor: TimeSpan.FromSeconds(10));
        await load.RunAsync(Enumerable.Range(0, 3).Select(i => (Func<int>)(() => cluster.Nodes[i]!.Port)));
        // A fresh cluster may answer 451 while its first queues start; such mail was never acknowledged and doesn't count.
        output.WriteLine($"{load.Acked} of {Messages} acknowledged; refused: {string.Join(" | ", load.Refusals)}; " +
                         $"reply lost: {string.Join(" | ", load.Uncertain.Select(u => $"{u.Key} {u.Value}"))}");
        Assert.True(load.Acked >= Messages * 9 / 10, $"only {load.Acked} of {Messages} acknowledged");
        // Exactly the acknowledged mail stays, give or take messages whose reply the client never saw (stored or not).
        var queued = -1;
        await WaitUntilAsync(async () =>
        {
            var now = await AdminView.QueuedAsync(admin);
            var settled = now >= load.Acked && now <= load.Acked + load.Uncertain.Count && now == queued;
            queued = now;
            if (!settled) await Task.Delay(1000);
            return settled;
        }, TimeSpan.FromSeconds(60), "exactly the acknowledged mail queued");

        // Scale out: the new node gets shards (and their queues) without any restart of the others.
        var joining = Stopwatch.StartNew();
        await cluster.StartNodeAsync(3);
        var fourth = AdminView.RemotingAddress(cluster.RemotingPorts[3]);
        await WaitUntilAsync(async () => (await AdminView.QueueShardsAsync(admin)).GetValueOrDefault(fourth).Entities > 0,
            TimeSpan.FromSeconds(90), "queue shards on the fourth node");
        output.WriteLine($"fourth node holds queues {joining.Elapsed.TotalSeconds:F1} s after its start");
        // Queues in a shard that is being handed off are briefly missing from the listing; none may go missing for good.
        await WaitUntilAsync(async () => await AdminView.QueuedAsync(admin) == queued, TimeSpan.FromSeconds(30), "all mail listed after the move");
        // Snapshot once nothing is in flight, so the count of running queues is the settled one.
        var shards = await AdminView.QueueShardsAsync(admin);
        var runningQueues = shards.Values.Sum(v => v.Entities);
        output.WriteLine(string.Join(", ", shards.Select(s => $"{s.Key[^5..]}: {s.Value.Shards} shards/{s.Value.Entities} queues")));

        // Drain the busier of node2 and node3: not node1 (the test asks it), not node4 (it must show it delivers).
        var drained = Enumerable.Range(1, 2).MaxBy(i => shards.GetValueOrDefault(AdminView.RemotingAddress(cluster.RemotingPorts[i])).Entities);
        var drainedQueues = shards[AdminView.RemotingAddress(cluster.RemotingPorts[drained])].Entities;
        Assert.True(drainedQueues > 0, "the drained node held no queues");
        var node = cluster.Nodes[drained]!;
        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        output.WriteLine($"node{drained + 1} drained with {drainedQueues} queues");
        // Remember-entities restarts the drained node's queues on the others without waiting for new mail to them.
        await WaitUntilAsync(async () => (await AdminView.QueueShardsAsync(admin)).Values.Sum(v => v.Entities) >= runningQueues,
            TimeSpan.FromSeconds(60), "every queue running again on the remaining nodes");
        await WaitUntilAsync(async () => await AdminView.QueuedAsync(admin) == queued, TimeSpan.FromSeconds(30), "all mail listed after the drain");
        Assert.DoesNotContain(AdminView.RemotingAddress(cluster.RemotingPorts[drained]), (await AdminView.QueueShardsAsync(admin)).Keys);

        // The destination comes back: the remaining nodes, the new one among them, deliver everything.
        cluster.Sink.StartListening();
        var acknowledged = load.Acknowledged.Keys.ToHashSet();
        var mayArrive = acknowledged.Union(load.Uncertain.Keys).ToHashSet();
        var delivering = Stopwatch.StartNew();
        await WaitUntilAsync(() => Task.FromResult(acknowledged.IsSubsetOf(cluster.Sink.Messages.Select(m => MessageId(m.Content)))
                                                   && cluster.Sink.Messages.Count >= queued),
            TimeSpan.FromSeconds(120), "every acknowledged message at the sink");
        var senders = cluster.Sink.Messages.GroupBy(m => m.HeloName).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"all {acknowledged.Count} delivered {delivering.Elapsed.TotalSeconds:F1} s after the sink came back; by " +
                         string.Join(", ", senders.Select(s => $"{s.Key}: {s.Value}")));
        Assert.True(senders.GetValueOrDefault("node4.test") > 0, "the fourth node delivered nothing");
        Assert.False(senders.ContainsKey($"node{drained + 1}.test"), "the drained node delivered after it left");
        Assert.Equal(0, await AdminView.QueuedAsync(admin));
        // Nothing twice, and nothing that was refused.
        var delivered = cluster.Sink.Messages.Select(m => MessageId(m.Content)).ToList();
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
        Assert.Equal(queued, delivered.Count);
        Assert.Subset(mayArrive, delivered.ToHashSet());

        // One message's life across nodes: accepted by a node still running, delivered by the fourth, shown whole by
        // node1's API (the drained node took its mail log with it).
        var movedId = cluster.Sink.Messages.Where(m => m.HeloName == "node4.test").Select(m => Accepted(m.Content))
            .First(a => a.By != $"node{drained + 1}.test").Id;
        var trace = await AdminView.TraceAsync(admin, movedId);
        output.WriteLine($"trace of {movedId}: {string.Join(", ", trace.Select(e => $"{e.Node}:{e.Event}"))}");
        Assert.Contains(trace, e => e.Event == "accepted" && e.Node != "node4.test");
        Assert.Contains(trace, e => e.Event == "delivered" && e.Node == "node4.test");
    }

    /// <summary>Which node accepted the message, and its queue id, from our Received: field.</summary>
    private static (string By, string Id) Accepted(byte[] content)
    {
        var m = System.Text.RegularExpressions.Regex.Match(Encoding.ASCII.GetString(content), @"by (\S+) \(MailCluster\) with \S+ id (\S+?)[;\s]");
        return (m.Groups[1].Value, m.Groups[2].Value);
    }

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
