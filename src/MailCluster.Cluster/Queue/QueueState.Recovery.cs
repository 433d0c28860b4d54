using System.Collections.Immutable;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// Recovery from two sources. The spool row written at acceptance is a recipient's queue entry (the one durable write
/// on the 250 path), so the journal only holds what happened to entries afterwards: a deferral, a failure, a hold. On
/// replay, an event about a message the state does not know yet waits here until <see cref="MergeFromSpool"/> brings in
/// the spool rows; then it is applied in journal order. An event whose rows are gone is about a finished message.
/// </summary>
public sealed partial class QueueState
{
    private readonly ImmutableDictionary<string, ImmutableList<IQueueEvent>> _awaitingSpool;

    /// <summary>The outcome of <see cref="MergeFromSpool"/>: the merged state and the loaded entries that are finished.</summary>
    /// <param name="Finished">Loaded entries the waiting journal events finished (deleted, bounced): their rows are still
    /// in the spool and must be retired.</param>
    /// <param name="Added">How many messages the merge added.</param>
    public sealed record SpoolMerge(QueueState State, IReadOnlyList<(string QueueId, IReadOnlyList<string> Recipients)> Finished, int Added);

    /// <summary>Applies a journaled event during recovery, keeping back what concerns messages known only to the spool.</summary>
    public QueueState Replay(IQueueEvent e)
    {
        switch (e)
        {
            case EntriesAdded or MessagesFlushed { QueueIds: null }:
                return Apply(e);
            case MessagesHeld held:
                return ReplayPerMessage(held.QueueIds, ids => new MessagesHeld(ids));
            case MessagesReleased released:
                return ReplayPerMessage(released.QueueIds, ids => new MessagesReleased(ids));
            case MessagesDeleted deleted:
                return ReplayPerMessage(deleted.QueueIds, ids => new MessagesDeleted(ids));
            case MessagesFlushed flushed:
                return ReplayPerMessage(flushed.QueueIds!, ids => new MessagesFlushed(ids, flushed.At));
        }
        var queueId = QueueIdOf(e);
        return queueId is null || _messages.ContainsKey(queueId) ? Apply(e) : AwaitSpool(queueId, e);
    }

    /// <summary>
    /// Adds the spool's entries this state lacks (skipping those <paramref name="isRetired"/> says are finished here),
    /// then applies the journal events that waited for them.
    /// </summary>
    public SpoolMerge MergeFromSpool(IEnumerable<QueueEntry> entries, Func<string, string, bool> isRetired)
    {
        var messages = _messages;
        var loaded = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if ((messages.TryGetValue(entry.QueueId, out var known) && known.Recipients.ContainsKey(entry.Recipient))
                || isRetired(entry.QueueId, entry.Recipient)) continue;
            messages = Add(messages, entry);
            if (!loaded.TryGetValue(entry.QueueId, out var list)) loaded[entry.QueueId] = list = [];
            list.Add(entry.Recipient);
        }
        var merged = new QueueState(messages, NoAwaitedEvents, LastError);
        foreach (var (queueId, events) in _awaitingSpool)
            if (messages.ContainsKey(queueId))
                merged = events.Aggregate(merged, (state, e) => state.Apply(e));

        var finished = new List<(string, IReadOnlyList<string>)>();
        foreach (var (queueId, recipients) in loaded)
        {
            var gone = recipients.Where(r => !merged.Contains(queueId, r)).ToList();
            if (gone.Count > 0) finished.Add((queueId, gone));
        }
        return new SpoolMerge(merged, finished, merged.MessageCount - MessageCount);
    }

    /// <summary>
    /// Removes recipients of <paramref name="knownBefore"/> messages that have no spool row any more: finished since
    /// the snapshot or journal said they were queued (a delivery retires its rows without a journal event). Returns the
    /// state without them and how many messages went entirely.
    /// </summary>
    public (QueueState State, int MessagesGone) DropUnspooled(IReadOnlySet<string> knownBefore,
        IReadOnlySet<(string QueueId, string Recipient)> stillSpooled)
    {
        var messages = _messages;
        var gone = 0;
        foreach (var queueId in knownBefore)
        {
            if (!messages.TryGetValue(queueId, out var m)) continue;
            var missing = m.Recipients.Keys.Where(r => !stillSpooled.Contains((queueId, r))).ToList();
            if (missing.Count == 0) continue;
            messages = Remove(messages, queueId, missing);
            if (!messages.ContainsKey(queueId)) gone++;
        }
        return (With(messages), gone);
    }

    private QueueState ReplayPerMessage(IReadOnlyList<string> queueIds, Func<IReadOnlyList<string>, IQueueEvent> toEvent)
    {
        var known = queueIds.Where(_messages.ContainsKey).ToList();
        var state = known.Count > 0 ? Apply(toEvent(known)) : this;
        return queueIds.Where(id => !_messages.ContainsKey(id)).Aggregate(state, (s, id) => s.AwaitSpool(id, toEvent([id])));
    }

    private QueueState AwaitSpool(string queueId, IQueueEvent e) =>
        new(_messages, _awaitingSpool.SetItem(queueId, _awaitingSpool.GetValueOrDefault(queueId, ImmutableList<IQueueEvent>.Empty).Add(e)), LastError);

    private static string? QueueIdOf(IQueueEvent e) => e switch
    {
        RecipientsDelivered d => d.QueueId,
        RecipientsDeferred d => d.QueueId,
        RecipientsFailed f => f.QueueId,
        BounceQueued b => b.QueueId,
        DelayWarningQueued w => w.QueueId,
        _ => null,
    };
}
