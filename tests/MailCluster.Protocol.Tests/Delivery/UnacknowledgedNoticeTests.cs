using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Delivery;

/// <summary>
/// The spool commit is the acceptance: the queues are told afterwards. A queue that never acknowledges its notice in
/// time (here every enqueue times out after 1 ms) must still deliver the message, exactly once, from the spool rows.
/// </summary>
public sealed class UnacknowledgedNoticeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_message_whose_queues_acknowledge_too_late_is_accepted_and_delivered_once_per_recipient()
    {
        await using var node = await TestNode.StartAsync(Config("mailcluster.queue.enqueue-timeout = 1ms"));
        var reply = await SendAsync(node, "sender@origin.test", ["alice@local.test", "bob@local.test"], Body("late notice"));
        Assert.StartsWith("250 2.0.0", reply);

        await WaitForEmptySpoolAsync(node, Wait);
        foreach (var user in new[] { "alice", "bob" })
            Assert.Single(Directory.GetFiles(Path.Combine(node.DataDir, "maildir", "local.test", user, "Maildir", "new")));
    }
}
