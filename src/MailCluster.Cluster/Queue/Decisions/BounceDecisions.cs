using MailCluster.Core.Bounce;

namespace MailCluster.Cluster.Queue.Decisions;

/// <summary>Who hears of failed recipients: pure, so the loop-breaking rules are table-tested.</summary>
public static class BounceDecisions
{
    /// <summary>
    /// The sender, unless it is the null sender (a bounce itself): then the postmaster (double-bounce recipient), once.
    /// A double-bounce notice that fails itself is dropped (null), so two broken systems never mail each other in a
    /// loop; null also when no double-bounce recipient is configured.
    /// </summary>
    public static string? BounceRecipient(string sender, string queueId, string? doubleBounceRecipient) =>
        DsnPolicy.ShouldBounce(sender) ? sender
        : BounceIds.IsDoubleBounceNotice(queueId) ? null
        : doubleBounceRecipient;
}
