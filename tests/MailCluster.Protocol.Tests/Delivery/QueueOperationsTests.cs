using Akka.Actor;
using MailCluster.Cluster.Queue;
using MailCluster.TestSupport;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Delivery;

/// <summary>The hooks the admin API builds on: list entries, hold, release, flush and delete, on a real queue.</summary>
public sealed class QueueOperationsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Entries_can_be_listed_held_released_and_deleted_without_a_bounce()
    {
        await using var sink = SmtpSink.Start();
        await using var senders = SmtpSink.Start();
        var hop = SinkRoute(sink);
        await using var node = await TestNode.StartAsync(Config($$"""
            mailcluster.relay-domains = ["relay.test", "origin.test"]
            mailcluster.routing.transports { "relay.test" = "{{hop}}", "origin.test" = "{{SinkRoute(senders)}}" }
            mailcluster.queue.defer-transports = ["smtp"]
            """));
        var keep = QueueIdOf(await SendAsync(node, "sender@origin.test", ["a@relay.test", "b@relay.test"], Body("keep")));
        var drop = QueueIdOf(await SendAsync(node, "sender@origin.test", ["c@relay.test"], Body("drop")));

        var listed = await node.Host.Queues.Ask<QueueEntries>(new GetQueueEntries(hop), Wait);
        Assert.Equal(3, listed.Entries.Count);
        Assert.All(listed.Entries, e => Assert.Equal("active", e.State));
        Assert.Equal(["a@relay.test", "b@relay.test"], listed.Entries.Where(e => e.QueueId == keep).Select(e => e.Recipient).Order());

        Assert.Equal(1, (await node.Host.Queues.Ask<QueueCommandDone>(new HoldMessages(hop, [keep]), Wait)).Affected);
        Assert.Equal(1, (await node.Host.Queues.Ask<QueueCommandDone>(new DeleteMessages(hop, [drop]), Wait)).Affected);
        var summary = await node.Host.Queues.Ask<QueueSummary>(new GetQueueSummary(hop), Wait);
        Assert.Equal((0, 2), (summary.Active, summary.Held));

        // A flush delivers what is not held; the held message stays until released.
        await node.Host.Queues.Ask<QueueCommandDone>(new FlushQueue(hop), Wait);
        await Task.Delay(1000);
        Assert.Equal(0, sink.MessageCount);
        // Released, it waits like any mail on a defer-transports queue (Postfix's postsuper -H): the next flush sends it.
        await node.Host.Queues.Ask<QueueCommandDone>(new ReleaseMessages(hop, [keep]), Wait);
        await node.Host.Queues.Ask<QueueCommandDone>(new FlushQueue(hop), Wait);
        var got = Assert.Single(await sink.WaitForMessagesAsync(1, Wait));
        Assert.Equal(["a@relay.test", "b@relay.test"], got.Recipients.Order());

        await WaitForEmptySpoolAsync(node, Wait);
        Assert.Equal(0, senders.MessageCount); // deleting is not failing: no bounce
        Assert.Empty((await node.Host.Queues.Ask<QueueEntries>(new GetQueueEntries(hop), Wait)).Entries);
    }

    /// <summary>
    /// Issue 12: every flush of a still-dead destination counted as an attempt and doubled the wait, so after two flushes
    /// the next automatic retry was 20 minutes away instead of 5. The schedule follows the message's age (Postfix), so
    /// operator flushes never delay the next automatic retry.
    /// </summary>
    [Fact]
    public async Task Flushing_a_dead_destination_never_delays_the_next_automatic_retry()
    {
        var tries = 0;
        await using var sink = SmtpSink.Start(new SmtpSinkOptions
        {
            RcptReply = (_, _) => { Interlocked.Increment(ref tries); return "451 4.3.0 try again later"; },
        });
        var hop = SinkRoute(sink);
        await using var node = await TestNode.StartAsync(Config($$"""
            mailcluster.routing.transports { "relay.test" = "{{hop}}" }
            mailcluster.queue.retry { minimum-backoff = 5m, maximum-backoff = 4000s }
            """));
        var id = QueueIdOf(await SendAsync(node, "sender@origin.test", ["a@relay.test"], Body("dead")));
        var first = await EntryAfterAttemptsAsync(node, hop, 1);
        var automatic = first.NextAttemptAt!.Value;
        Assert.InRange(automatic - first.ArrivedAt, TimeSpan.FromMinutes(4.9), TimeSpan.FromMinutes(5.1));

        for (var flush = 1; flush <= 2; flush++)
        {
            await node.Host.Queues.Ask<QueueCommandDone>(new FlushQueue(hop), Wait);
            var entry = await EntryAfterAttemptsAsync(node, hop, 1 + flush);
            Assert.Equal(id, entry.QueueId);
            Assert.True(entry.NextAttemptAt <= automatic,
                $"after flush {flush} the next automatic retry moved from {automatic:u} to {entry.NextAttemptAt:u}");
        }
        Assert.Equal(3, Volatile.Read(ref tries));
    }

    private static async Task<QueueEntryView> EntryAfterAttemptsAsync(TestNode node, string hop, int attempts)
    {
        QueueEntryView? entry = null;
        await WaitUntilAsync(async () =>
        {
            var entries = await node.Host.Queues.Ask<QueueEntries>(new GetQueueEntries(hop), Wait);
            entry = entries.Entries.SingleOrDefault(e => e.Attempts >= attempts && e.NextAttemptAt is not null);
            return entry is not null;
        }, Wait, $"{attempts} attempts were recorded");
        Assert.Equal(attempts, entry!.Attempts);
        return entry;
    }

    private static string QueueIdOf(string reply) => reply.Split(' ').Last().Trim();
}
