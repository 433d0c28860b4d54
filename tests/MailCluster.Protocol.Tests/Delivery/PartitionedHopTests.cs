using MailCluster.Cluster.Admin;
using MailCluster.Cluster.Queue;
using MailCluster.TestSupport;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Delivery;

/// <summary>
/// A hop split into partitions is still one queue for the postmaster, its concurrency limit holds over all partitions
/// together, and its rate limit paces deliveries. One node here; the cluster-wide case runs in Node.Tests.
/// </summary>
public sealed class PartitionedHopTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_partitioned_hop_lists_and_flushes_as_one_queue_and_stays_within_its_window()
    {
        await using var sink = SmtpSink.Start(new SmtpSinkOptions { DataEndReply = _ => { Thread.Sleep(50); return null; } });
        var hop = SinkRoute(sink);
        await using var node = await TestNode.StartAsync(Config($$"""
            mailcluster.routing.transports { "relay.test" = "{{hop}}" }
            mailcluster.queue.defer-transports = ["smtp"]
            mailcluster.queue.destinations."{{hop}}" { partitions = 3, max-concurrency = 3, initial-concurrency = 3 }
            """));
        const int count = 30;
        for (var i = 0; i < count; i++) await SendAsync(node, "sender@origin.test", [$"user{i}@relay.test"], Body($"message {i}"));

        var directory = new QueueDirectory(node.Host.System, node.Host.Queues, TimeSpan.FromSeconds(10));
        Assert.Equal([hop], await directory.HopKeysAsync());
        Assert.Equal([hop, hop + "#1", hop + "#2"], await directory.EntityIdsAsync());
        Assert.Equal(count, (await directory.EntriesAsync(hop)).Entries.Count);
        var summary = await directory.SummaryAsync(hop);
        Assert.Equal(hop, summary.HopKey);
        Assert.Equal(count, summary.Active + summary.Deferred + summary.InFlight);

        Assert.Equal(count, await directory.ApplyAsync([new FlushQueue(hop)]));
        var got = await sink.WaitForMessagesAsync(count, Wait);
        await WaitForEmptySpoolAsync(node, Wait);
        Assert.Equal(count, sink.Messages.Select(m => m.Recipients.Single()).Distinct().Count());
        Assert.Equal(count, sink.MessageCount);
        Assert.InRange(sink.PeakConnections, 1, 3);
    }

    [Fact]
    public async Task A_rate_limit_paces_deliveries_across_the_partitions()
    {
        await using var sink = SmtpSink.Start();
        var hop = SinkRoute(sink);
        await using var node = await TestNode.StartAsync(Config($$"""
            mailcluster.routing.transports { "relay.test" = "{{hop}}" }
            mailcluster.queue.defer-transports = ["smtp"]
            mailcluster.queue.destinations."{{hop}}" { partitions = 2, rate-limit.messages-per-second = 4 }
            """));
        const int count = 12;
        for (var i = 0; i < count; i++) await SendAsync(node, "sender@origin.test", [$"user{i}@relay.test"], Body($"message {i}"));
        var directory = new QueueDirectory(node.Host.System, node.Host.Queues, TimeSpan.FromSeconds(10));

        var started = DateTime.UtcNow;
        await directory.ApplyAsync([new FlushQueue(hop)]);
        await sink.WaitForMessagesAsync(count, Wait);
        var took = DateTime.UtcNow - started;
        // 4 a second over both partitions, with a burst of one second's worth: 12 messages need at least 2 s.
        Assert.True(took >= TimeSpan.FromSeconds(1.8), $"12 messages at 4/s took only {took.TotalSeconds:0.00} s");
        Assert.Equal(count, sink.MessageCount);
    }
}
