namespace MailCluster.Cluster.Queue;

/// <summary>
/// Recovery from two sources. The spool row written at acceptance is a recipient's queue entry (the one durable write
/// on the 250 path), so the journal only holds what happened to entries afterwards: a deferral, a failure, a hold. On
/// replay, an event about a message the state does not know yet waits here until <see cref="MergeFromSpool"/> brings in
/// the spool rows; then it is applied in journal order. An event whose rows are gone is about a finished message.
/// </summary>
public sealed partial class QueueState
{
    private readonly Dictionary<string, List<IQueueEvent>> _awaitingSpool = new(StringComparer.Ordinal);

    /// <summary>Applies a journaled event during recovery, keeping back what concerns messages known only to the spool.</summary>
    public void Replay(IQueueEvent e)
    {
        switch (e)
        {
            case EntriesAdded or MessagesFlushed { QueueIds: null }:
                Apply(e);
                return;
            case MessagesHeld held:
                ReplayPerMessage(held.QueueIds, ids => new MessagesHeld(ids));
                return;
            case MessagesReleased released:
                ReplayPerMessage(released.QueueIds, ids => new MessagesReleased(ids));
                return;
            case MessagesDeleted deleted:
                ReplayPerMessage(deleted.QueueIds, ids => new MessagesDeleted(ids));
                return;
            case MessagesFlushed flushed:
                ReplayPerMessage(flushed.QueueIds!, ids => new MessagesFlushed(ids, flushed.At));
                return;
        }
        var queueId = QueueIdOf(e);
        if (queueId is null || _messages.ContainsKey(queueId)) Apply(e);
        else AwaitSpool(queueId, e);
    }

    /// <summary>
    /// Adds the spool's entries this state lacks (skipping those <paramref name="isRetired"/> says are finished here),
    /// applies the journal events that waited for them, and returns the loaded entries those events finished (deleted,
    /// bounced): their rows are still in the spool and must be retired.
    /// </summary>
    public IReadOnlyList<(string QueueId, IReadOnlyList<string> Recipients)> MergeFromSpool(
        IEnumerable<QueueEntry> entries, Func<string, string, bool> isRetired)
    {
        var loaded = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (Contains(entry.QueueId, entry.Recipient) || isRetired(entry.QueueId, entry.Recipient)) continue;
            Add(entry);
            if (!loaded.TryGetValue(entry.QueueId, out var list)) loaded[entry.QueueId] = list = [];
            list.Add(entry.Recipient);
        }
        foreach (var (queueId, events) in _awaitingSpool)
            if (_messages.ContainsKey(queueId))
                foreach (var e in events) Apply(e);
        _awaitingSpool.Clear();

        var finished = new List<(string, IReadOnlyList<string>)>();
        foreach (var (queueId, recipients) in loaded)
        {
            var gone = recipients.Where(r => !Contains(queueId, r)).ToList();
            if (gone.Count > 0) finished.Add((queueId, gone));
        }
        return finished;
    }

    /// <summary>
    /// Removes recipients of <paramref name="knownBefore"/> messages that have no spool row any more: finished since
    /// the snapshot or journal said they were queued (a delivery retires its rows without a journal event). Returns how
    /// many messages went entirely.
    /// </summary>
    public int DropUnspooled(IReadOnlySet<string> knownBefore, IReadOnlySet<(string QueueId, string Recipient)> stillSpooled)
    {
        var gone = 0;
        foreach (var queueId in knownBefore)
        {
            if (!_messages.TryGetValue(queueId, out var m)) continue;
            var missing = m.Recipients.Keys.Where(r => !stillSpooled.Contains((queueId, r))).ToList();
            if (missing.Count == 0) continue;
            Remove(queueId, missing);
            if (!_messages.ContainsKey(queueId)) gone++;
        }
        return gone;
    }

    private void ReplayPerMessage(IReadOnlyList<string> queueIds, Func<IReadOnlyList<string>, IQueueEvent> toEvent)
    {
        var known = queueIds.Where(_messages.ContainsKey).ToList();
        if (known.Count > 0) Apply(toEvent(known));
        foreach (var id in queueIds.Where(id => !_messages.ContainsKey(id))) AwaitSpool(id, toEvent([id]));
    }

    private void AwaitSpool(string queueId, IQueueEvent e)
    {
        if (!_awaitingSpool.TryGetValue(queueId, out var events)) _awaitingSpool[queueId] = events = [];
        events.Add(e);
    }

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
