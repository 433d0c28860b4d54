namespace MailCluster.Cluster.Bounce;

/// <summary>Node-local messages to the bounce actor (it runs on every node, next to the queues that ask it).</summary>
public static class BounceProtocol
{
    public sealed record BounceRecipient(string Recipient, string OriginalRecipient, string Status, string Diagnostic,
        string? RemoteMta, DateTimeOffset LastAttempt);

    /// <summary>
    /// Build the DSN and queue it from &lt;&gt; to <paramref name="Sender"/> (for a <paramref name="DoubleBounce"/>,
    /// the postmaster: the original was itself a bounce that could not be delivered). <paramref name="BounceQueueId"/> is
    /// derived from the failure, so a repeated request after a crash stores and enqueues the same message again,
    /// which the spool and the queues treat as the same entry.
    /// </summary>
    public sealed record CreateBounce(string BounceQueueId, string OriginalQueueId, string Sender, DateTimeOffset ArrivedAt,
        IReadOnlyList<BounceRecipient> Recipients, bool DelayWarning, DateTimeOffset? RetryUntil, bool DoubleBounce = false);

    public sealed record BounceCreated(string BounceQueueId);
}
