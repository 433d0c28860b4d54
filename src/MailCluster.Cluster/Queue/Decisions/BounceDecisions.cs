using MailCluster.Core.Bounce;

namespace MailCluster.Cluster.Queue.Decisions;

/// <summary>
/// A bounce to send for a message's failed recipients: to <see cref="BounceTo"/>, or none at all when
/// <see cref="SkipReason"/> says why (the failed entries then simply go).
/// </summary>
public sealed record BouncePlan(QueuedMessage Message, IReadOnlyList<RecipientProgress> Failed, string? BounceTo, bool DoubleBounce, string? SkipReason)
{
    public IReadOnlyList<string> Recipients => Failed.Select(r => r.Recipient).ToList();
}

/// <summary>A "delayed mail" notice due for these recipients of a message, still pending after the warning delay.</summary>
public sealed record DelayWarningPlan(QueuedMessage Message, IReadOnlyList<RecipientProgress> Late)
{
    public IReadOnlyList<string> Recipients => Late.Select(r => r.Recipient).ToList();
}

/// <summary>Who hears of failed recipients, and when: pure, so the loop-breaking rules are table-tested.</summary>
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

    /// <summary>
    /// Bounces due now: one per message with failed recipients, unless <paramref name="busy"/> (a bounce for it is being
    /// queued, or it is being delivered or written).
    /// </summary>
    public static IReadOnlyList<BouncePlan> Pending(QueueState state, Func<string, bool> busy, string? doubleBounceRecipient) =>
        state.AwaitingBounce()
            .Where(m => !busy(m.QueueId))
            .Select(m =>
            {
                var failed = m.Recipients.Values.Where(r => !r.Pending).ToList();
                var bounceTo = BounceRecipient(m.Sender, m.QueueId, doubleBounceRecipient);
                var skip = bounceTo is not null ? null
                    : BounceIds.IsDoubleBounceNotice(m.QueueId) ? "undeliverable double-bounce notice" : "null sender";
                return new BouncePlan(m, failed, bounceTo, bounceTo is not null && bounceTo != m.Sender, skip);
            })
            .ToList();

    /// <summary>
    /// Delay warnings due now (with delay-warning-after set): for recipients tried at least once and still pending after
    /// the delay, once each, not for the null sender, unless <paramref name="busy"/> (a warning for it is being queued).
    /// </summary>
    public static IReadOnlyList<DelayWarningPlan> DelayWarnings(QueueState state, TimeSpan? after, Func<string, bool> busy, DateTimeOffset now) =>
        after is not { } delay ? []
        : state.Messages
            .Where(m => DsnPolicy.ShouldBounce(m.Sender) && now - m.ArrivedAt >= delay && !busy(m.QueueId))
            .Select(m => new DelayWarningPlan(m, m.Recipients.Values.Where(r => r.Pending && r.Attempts > 0 && !r.DelayWarned).ToList()))
            .Where(p => p.Late.Count > 0)
            .ToList();
}
