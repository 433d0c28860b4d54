using MailCluster.Core.Delivery;

namespace MailCluster.Cluster.Queue.Decisions;

/// <summary>What a next-hop queue is asked to decide on; <see cref="QueueDecider.Decide"/> answers each one.</summary>
public abstract record QueueCommand
{
    private QueueCommand() { }

    /// <summary>New entries from ingress; <paramref name="FinishedHere"/> says which this queue delivered or bounced lately.</summary>
    public sealed record Enqueue(IReadOnlyList<QueueEntry> Entries, Func<string, string, bool> FinishedHere) : QueueCommand;

    /// <summary>A delivery worker's results for one message.</summary>
    public sealed record Report(string QueueId, IReadOnlyList<RecipientResult> Results) : QueueCommand;

    /// <summary>A periodic pass: entries past their lifetime fail. Messages being delivered are left to their report.</summary>
    public sealed record Expire(IReadOnlySet<string> InFlight) : QueueCommand;

    public sealed record Hold(IReadOnlyList<string> QueueIds) : QueueCommand;

    public sealed record Release(IReadOnlyList<string> QueueIds) : QueueCommand;

    public sealed record Delete(IReadOnlyList<string> QueueIds) : QueueCommand;

    /// <summary>Everything (null) or the listed messages become due now.</summary>
    public sealed record Flush(IReadOnlyList<string>? QueueIds) : QueueCommand;
}

/// <summary>Spool rows to retire: finished recipients (delivered now, or after the journal has stored their fate).</summary>
public sealed record Retirement(string QueueId, IReadOnlyList<string> Recipients);

/// <summary>
/// What a command means for the queue. <see cref="Applied"/> events are durable elsewhere already (the spool rows of
/// an enqueue; a delivery, recorded by retiring its rows) and are applied at once; <see cref="Journal"/> events are
/// persisted first and applied once stored. <see cref="RetireNow"/> rows go at once, <see cref="RetireAfterJournal"/>
/// once the journal holds the events (a deleted message must not come back from a crash between the two).
/// </summary>
public sealed record QueueDecision(
    IReadOnlyList<IQueueEvent> Applied,
    IReadOnlyList<IQueueEvent> Journal,
    IReadOnlyList<Retirement> RetireNow,
    IReadOnlyList<Retirement> RetireAfterJournal,
    IReadOnlyList<DecidedRecipient> Outcomes,
    int Affected)
{
    public static readonly QueueDecision Nothing = new([], [], [], [], [], 0);

    public int Count(RecipientOutcome outcome) => Outcomes.Count(r => r.Outcome == outcome);
}
