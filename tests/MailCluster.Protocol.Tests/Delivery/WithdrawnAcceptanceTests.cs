using Akka.Actor;
using MailCluster.Cluster.Queue;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Delivery;

/// <summary>
/// 451 means "not accepted": a queue that confirms after the session gave up must not deliver the message, since the
/// client will send it again, and its body must not stay in the spool. Here every confirmation comes too late.
/// </summary>
public sealed class WithdrawnAcceptanceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_message_answered_451_because_its_queue_confirmed_late_is_withdrawn_not_delivered()
    {
        await using var node = await TestNode.StartAsync(Config("mailcluster.queue.enqueue-timeout = 1ms"));
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<sender@origin.test>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<alice@local.test>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<user@relay.test>\r\n"));
        Assert.StartsWith("354", await client.CommandAsync("DATA\r\n"));
        Assert.StartsWith("451 4.3.0", await client.CommandAsync("Subject: late\r\n\r\nbody\r\n.\r\n"));

        // The withdrawal retires the spool rows only after both queues have journaled the removal.
        await WaitForEmptySpoolAsync(node, Wait);
        foreach (var hop in new[] { "local", "smtp:relay.test" })
        {
            var entries = await node.Host.Queues.Ask<QueueEntries>(new GetQueueEntries(hop), Wait);
            Assert.Empty(entries.Entries);
        }
        Assert.False(Directory.Exists(Path.Combine(node.DataDir, "maildir")), "the withdrawn message was delivered");
    }
}
