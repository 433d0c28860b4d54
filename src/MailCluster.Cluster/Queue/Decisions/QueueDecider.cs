using MailCluster.Core.Queue;

namespace MailCluster.Cluster.Queue.Decisions;

/// <summary>
/// The queue's decisions as one pure function of its immutable state, a command and the time, free of Akka so they are
/// table-tested: <c>Decide(state, command, now) → events</c>. The actor persists the journal events, applies them
/// (<see cref="QueueState.Apply"/>) and carries out the effects (retiring rows, replying, logging).
/// </summary>
public static class QueueDecider
{
    public static QueueDecision Decide(QueueState state, QueueCommand command, RetryPolicy retry, DateTimeOffset now) => command switch
    {
        QueueCommand.Enqueue enqueue => OnEnqueue(state, enqueue),
        QueueCommand.Report report => OnReport(state, report, retry, now),
        QueueCommand.Expire expire => Journaled(DeliveryOutcomes.Overdue(state.Messages, expire.InFlight, retry, now)),
        QueueCommand.Hold hold => PerKnownMessage(state, hold.QueueIds, ids => new MessagesHeld(ids)),
        QueueCommand.Release release => PerKnownMessage(state, release.QueueIds, ids => new MessagesReleased(ids)),
        QueueCommand.Delete delete => OnDelete(state, delete),
        QueueCommand.Flush flush => new QueueDecision([], [new MessagesFlushed(flush.QueueIds, now)], [], [], [],
            flush.QueueIds is null ? state.MessageCount : state.Select(flush.QueueIds).Count()),
        _ => QueueDecision.Nothing,
    };

    /// <summary>
    /// The entries are durable already (their spool rows), so they are only applied: no journal write. Entries known
    /// here or finished here lately are left out, since a resent enqueue must not deliver a message twice.
    /// </summary>
    private static QueueDecision OnEnqueue(QueueState state, QueueCommand.Enqueue enqueue)
    {
        var fresh = enqueue.Entries.Where(e => !state.Contains(e.QueueId, e.Recipient) && !enqueue.FinishedHere(e.QueueId, e.Recipient)).ToList();
        return fresh.Count == 0 ? QueueDecision.Nothing : new QueueDecision([new EntriesAdded(fresh)], [], [], [], [], fresh.Count);
    }

    /// <summary>Delivered recipients leave by retiring their rows (<see cref="RecipientsDelivered"/> is applied, not journaled).</summary>
    private static QueueDecision OnReport(QueueState state, QueueCommand.Report report, RetryPolicy retry, DateTimeOffset now)
    {
        if (state.Find(report.QueueId) is not { } message) return QueueDecision.Nothing;
        var read = DeliveryOutcomes.OnReport(message, report.Results, retry, now);
        if (read.Recipients.Count == 0) return QueueDecision.Nothing;
        var delivered = read.Delivered.Count > 0;
        return new QueueDecision(
            delivered ? [new RecipientsDelivered(report.QueueId, read.Delivered, now)] : [],
            read.Events,
            delivered ? [new Retirement(report.QueueId, read.Delivered)] : [],
            [], read.Recipients, read.Recipients.Count);
    }

    private static QueueDecision OnDelete(QueueState state, QueueCommand.Delete delete)
    {
        var doomed = state.Select(delete.QueueIds).ToList();
        if (doomed.Count == 0) return QueueDecision.Nothing;
        return new QueueDecision([], [new MessagesDeleted(doomed.Select(m => m.QueueId).ToList())], [],
            doomed.Select(m => new Retirement(m.QueueId, m.Recipients.Keys.ToList())).ToList(), [], doomed.Count);
    }

    private static QueueDecision PerKnownMessage(QueueState state, IReadOnlyList<string> queueIds, Func<IReadOnlyList<string>, IQueueEvent> toEvent)
    {
        var ids = state.Select(queueIds).Select(m => m.QueueId).ToList();
        return ids.Count == 0 ? QueueDecision.Nothing : new QueueDecision([], [toEvent(ids)], [], [], [], ids.Count);
    }

    private static QueueDecision Journaled(IReadOnlyList<IQueueEvent> events) =>
        events.Count == 0 ? QueueDecision.Nothing : new QueueDecision([], events, [], [], [], events.Count);

    /// <summary>
    /// The next message to attempt: one with due recipients that is neither held, in flight, nor excluded by
    /// <paramref name="mayStart"/> (a defer-transports queue attempts only flushed messages). Null when none is due.
    /// </summary>
    public static (QueuedMessage Message, IReadOnlyList<string> Recipients)? NextJob(QueueState state, IReadOnlySet<string> inFlight,
        Func<string, bool> mayStart, DateTimeOffset now)
    {
        var message = state.Due(now, inFlight).FirstOrDefault(m => mayStart(m.QueueId));
        return message is null ? null : (message, QueueState.DueRecipients(message, now).Select(r => r.Recipient).ToList());
    }
}
