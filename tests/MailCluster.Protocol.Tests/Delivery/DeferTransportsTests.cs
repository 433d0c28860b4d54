using MailCluster.Cluster.Admin;
using MailCluster.Cluster.Queue;
using MailCluster.TestSupport;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Delivery;

/// <summary>
/// queue.defer-transports, as Postfix's defer_transports: a flush gives what is queued then one attempt; mail that
/// arrives later, or is released from hold later, waits for the next flush.
/// </summary>
public sealed class DeferTransportsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_flush_sends_what_is_queued_then_and_later_mail_waits_for_the_next_flush()
    {
        await using var sink = SmtpSink.Start();
        var hop = SinkRoute(sink);
        await using var node = await TestNode.StartAsync(Config($$"""
            mailcluster.routing.transports { "relay.test" = "{{hop}}" }
            mailcluster.queue.defer-transports = ["smtp"]
            """));
        var directory = new QueueDirectory(node.Host.System, node.Host.Queues, TimeSpan.FromSeconds(10));
        await SendAsync(node, "sender@origin.test", ["first@relay.test"], Body("first"));
        await SendAsync(node, "sender@origin.test", ["held@relay.test"], Body("held"));
        var held = (await directory.EntriesAsync(hop)).Entries.Single(e => e.Recipient == "held@relay.test").QueueId;
        await directory.ApplyAsync([new HoldMessages(hop, [held])]);

        await directory.ApplyAsync([new FlushQueue(hop)]);
        Assert.Equal(["first@relay.test"], (await sink.WaitForMessagesAsync(1, Wait)).Single().Recipients);

        await SendAsync(node, "sender@origin.test", ["second@relay.test"], Body("second"));
        await directory.ApplyAsync([new ReleaseMessages(hop, [held])]);
        // Neither the new message nor the released one goes out on its own: the earlier flush was used up.
        await Task.Delay(2000);
        Assert.Equal(1, sink.MessageCount);
        Assert.Equal(2, (await directory.EntriesAsync(hop)).Entries.Count);

        await directory.ApplyAsync([new FlushQueue(hop)]);
        await sink.WaitForMessagesAsync(3, Wait);
        Assert.Equal(["first@relay.test", "held@relay.test", "second@relay.test"],
            sink.Messages.SelectMany(m => m.Recipients).Order());
    }
}
