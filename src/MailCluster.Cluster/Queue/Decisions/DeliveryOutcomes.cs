using MailCluster.Core.Delivery;
using MailCluster.Core.Queue;

namespace MailCluster.Cluster.Queue.Decisions;

/// <summary>What became of one recipient in a delivery attempt, as the queue decided it.</summary>
public enum RecipientOutcome { Delivered, Deferred, Bounced, Expired }

/// <param name="RetryAt">When a deferred recipient is tried next; null for the other outcomes.</param>
public sealed record DecidedRecipient(RecipientResult Result, RecipientOutcome Outcome, DateTimeOffset? RetryAt);

/// <summary>
/// The queue's reading of a delivery report. <see cref="Delivered"/> recipients leave by retiring their spool rows (no
/// journal event needed); <see cref="Events"/> are journaled (deferrals with their next attempt, permanent failures,
/// expiries); <see cref="Recipients"/> says what happened to each one, for the mail log and the metrics.
/// </summary>
public sealed record ReportDecision(IReadOnlyList<string> Delivered, IReadOnlyList<IQueueEvent> Events, IReadOnlyList<DecidedRecipient> Recipients)
{
    public static readonly ReportDecision Nothing = new([], [], []);

    public int Count(RecipientOutcome outcome) => Recipients.Count(r => r.Outcome == outcome);
}

/// <summary>
/// Pure decisions of a next-hop queue about its entries, free of Akka so they are tested as tables: what a delivery
/// report means and which entries have outlived their lifetime. The actor persists what these return, applies it and
/// carries out the effects (retiring rows, starting bounces, logging).
/// </summary>
public static class DeliveryOutcomes
{
    /// <summary>
    /// Results for recipients the message no longer has pending (finished meanwhile, or never ours) are ignored. A
    /// deferral whose next attempt would fall past the lifetime expires instead (4.4.7), as Postfix's maximal_queue_lifetime.
    /// </summary>
    public static ReportDecision OnReport(QueuedMessage message, IReadOnlyList<RecipientResult> results, RetryPolicy retry, DateTimeOffset now)
    {
        var known = results.Where(r => message.Recipients.TryGetValue(r.Recipient, out var p) && p.Pending).ToList();
        if (known.Count == 0) return ReportDecision.Nothing;
        var decided = new List<DecidedRecipient>();
        var events = new List<IQueueEvent>();

        var delivered = known.Where(r => r.Status == DeliveryStatus.Delivered).ToList();
        decided.AddRange(delivered.Select(r => new DecidedRecipient(r, RecipientOutcome.Delivered, null)));

        var failed = known.Where(r => r.Status == DeliveryStatus.Failed).ToList();
        if (failed.Count > 0)
            events.Add(new RecipientsFailed(message.QueueId,
                failed.Select(r => new FailedRecipient(r.Recipient, r.EnhancedStatus, r.Diagnostic, r.RemoteMta)).ToList(), Expired: false, now));
        decided.AddRange(failed.Select(r => new DecidedRecipient(r, RecipientOutcome.Bounced, null)));

        var expired = new List<RecipientResult>();
        foreach (var group in known.Where(r => r.Status == DeliveryStatus.Deferred)
                     .GroupBy(r => RetrySchedule.Next(retry, message.ArrivedAt, message.Recipients[r.Recipient].Attempts + 1, now)))
        {
            if (group.Key is { } next)
            {
                events.Add(new RecipientsDeferred(message.QueueId, group.Select(r => r.Recipient).ToList(), group.First().Diagnostic, next, now));
                decided.AddRange(group.Select(r => new DecidedRecipient(r, RecipientOutcome.Deferred, next)));
            }
            else expired.AddRange(group);
        }
        if (expired.Count > 0)
        {
            events.Add(new RecipientsFailed(message.QueueId, expired.Select(r => new FailedRecipient(r.Recipient, EnhancedStatusCode.DeliveryTimeExpired.ToString(),
                $"{r.Diagnostic} (delivery time expired)", r.RemoteMta)).ToList(), Expired: true, now));
            decided.AddRange(expired.Select(r => new DecidedRecipient(r, RecipientOutcome.Expired, null)));
        }
        return new ReportDecision(delivered.Select(r => r.Recipient).ToList(), events, decided);
    }

    /// <summary>
    /// Messages past their lifetime whose pending recipients fail now, even if the destination was never tried again
    /// (it may be paused as dead). Messages being delivered are left to their report.
    /// </summary>
    public static IReadOnlyList<RecipientsFailed> Overdue(IEnumerable<QueuedMessage> messages, IReadOnlySet<string> inFlight, RetryPolicy retry,
        DateTimeOffset now) =>
        messages
            .Where(m => !inFlight.Contains(m.QueueId) && now >= m.ArrivedAt + retry.MaximumLifetime)
            .Select(m => new RecipientsFailed(m.QueueId, m.Recipients.Values.Where(r => r.Pending)
                .Select(r => new FailedRecipient(r.Recipient, EnhancedStatusCode.DeliveryTimeExpired.ToString(),
                    $"{r.LastError ?? "x-local; not delivered"} (delivery time expired)", null)).ToList(), Expired: true, now))
            .Where(f => f.Recipients.Count > 0)
            .ToList();
}
