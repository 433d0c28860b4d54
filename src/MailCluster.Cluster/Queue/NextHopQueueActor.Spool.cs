using Akka.Actor;
using Akka.Event;
using MailCluster.Core.Spool;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// The spool rows are the queue's entries. Ingress writes them (one commit per group of messages, the only durable
/// write before 250) and then tells the queue, which keeps the entries in memory without journaling them. After a
/// restart, a rebalance or a lost notice (<see cref="ReconcileQueue"/>), the queue reads its rows back. A finished
/// recipient leaves by retiring its row; a delivery needs no journal write at all.
/// </summary>
public sealed partial class NextHopQueueActor
{
    private sealed record SpoolEntriesLoaded(IReadOnlyList<SpooledEntry> Entries, IReadOnlySet<string> KnownBefore,
        IReadOnlySet<(string QueueId, string Recipient)> StillSpooled);

    private sealed record SpoolLoadFailed(string Reason);

    private sealed record RetireDone(string QueueId, IReadOnlyList<string> Recipients, string? Error);

    private sealed record RetireAgain(string QueueId, IReadOnlyList<string> Recipients);

    private static readonly TimeSpan SpoolRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Retired recipients, remembered long past any enqueue resend or spool read that could still bring them back.</summary>
    private readonly RetiredEntries _retired = new(TimeSpan.FromMinutes(15));
    /// <summary>Recipients whose rows are being retired: finished here, but still in the spool.</summary>
    private readonly Dictionary<string, HashSet<string>> _retiring = new(StringComparer.Ordinal);
    private bool _spoolLoaded;
    private bool _spoolLoading;
    private readonly List<IActorRef> _reconcileWaiters = [];

    private void SpoolCommands()
    {
        Command<SpoolEntriesLoaded>(OnSpoolLoaded);
        Command<SpoolLoadFailed>(failed =>
        {
            _spoolLoading = false;
            _log.Warning("queue {0}: could not read its entries from the spool, will retry: {1}", _entityId, failed.Reason);
            Timers.StartSingleTimer("spool-load", new ReconcileQueue(_entityId), SpoolRetryDelay);
        });
        Command<ReconcileQueue>(_ =>
        {
            if (!Sender.IsNobody() && !Sender.Equals(Self)) _reconcileWaiters.Add(Sender);
            LoadFromSpool();
        });
        Command<RetireDone>(OnRetireDone);
        // Everything still pending for the message: a later failure for the same message replaced this timer.
        Command<RetireAgain>(again =>
        {
            if (_retiring.TryGetValue(again.QueueId, out var pending) && pending.Count > 0) Retire(again.QueueId, pending.ToList());
        });
    }

    private void LoadFromSpool()
    {
        if (_spoolLoading) return;
        _spoolLoading = true;
        // On the first load, what the snapshot and journal brought back is checked against the spool: a message
        // delivered since (its rows retired, no journal event) must not come back.
        var known = _spoolLoaded ? new HashSet<string>() : _state.Messages.Select(m => m.QueueId).ToHashSet(StringComparer.Ordinal);
        LoadAsync(_services.Spool, _entityId, known).PipeTo(Self,
            failure: ex => new SpoolLoadFailed(ex.GetBaseException().Message));
    }

    private static async Task<SpoolEntriesLoaded> LoadAsync(IMessageSpool spool, string entityId, HashSet<string> known)
    {
        var entries = await spool.LoadQueueEntriesAsync(entityId);
        var listed = entries.Select(e => e.QueueId).ToHashSet(StringComparer.Ordinal);
        var still = entries.Select(e => (e.QueueId, e.Recipient)).ToHashSet();
        // Known messages this key did not return may have rows from before the key existed (NULL): looked up by id.
        foreach (var queueId in known.Where(id => !listed.Contains(id)))
            if (await spool.LoadAsync(queueId) is { } m)
                foreach (var r in m.Recipients) still.Add((queueId, r));
        return new SpoolEntriesLoaded(entries, known, still);
    }

    private void OnSpoolLoaded(SpoolEntriesLoaded loaded)
    {
        _spoolLoading = false;
        (_state, var gone) = _state.DropUnspooled(loaded.KnownBefore, loaded.StillSpooled);
        if (gone > 0) _log.Info("queue {0}: {1} messages from the journal were finished already (no spool rows)", _entityId, gone);
        var merge = _state.MergeFromSpool(
            loaded.Entries.Select(e => new QueueEntry(e.QueueId, e.Recipient, e.OriginalRecipient, e.Sender, e.ReceivedAt, e.Size)),
            IsFinishedHere);
        _state = merge.State;
        foreach (var (queueId, recipients) in merge.Finished) Retire(queueId, recipients);
        var added = merge.Added;
        if (added > 0 && _spoolLoaded) _log.Info("queue {0}: found {1} messages in the spool it had not been told of", _entityId, added);
        else if (!_spoolLoaded && !_state.IsEmpty) _log.Info("queue {0}: recovered {1} messages", _entityId, _state.MessageCount);
        _spoolLoaded = true;
        foreach (var waiter in _reconcileWaiters) waiter.Tell(new QueueCommandDone(_entityId, added));
        _reconcileWaiters.Clear();
        ReportDepth(full: true);
        Work();
    }

    private bool IsFinishedHere(string queueId, string recipient) =>
        _retired.Contains(queueId, recipient) || (_retiring.TryGetValue(queueId, out var r) && r.Contains(recipient));

    /// <summary>Finished recipients leave the spool; the body goes with the last one. Retried until the spool confirms.</summary>
    private void Retire(string queueId, IReadOnlyList<string> recipients)
    {
        if (!_retiring.TryGetValue(queueId, out var pending)) _retiring[queueId] = pending = new HashSet<string>(StringComparer.Ordinal);
        pending.UnionWith(recipients);
        _services.Spool.CompleteRecipientsAsync(queueId, recipients).PipeTo(Self,
            success: () => new RetireDone(queueId, recipients, null),
            failure: ex => new RetireDone(queueId, recipients, ex.GetBaseException().Message));
    }

    private void OnRetireDone(RetireDone done)
    {
        if (done.Error is not null)
        {
            // Still finished here (in _retiring), so nothing brings it back meanwhile; the row just stays a little longer.
            _log.Warning("{0}: could not retire spooled recipients, will retry: {1}", done.QueueId, done.Error);
            Timers.StartSingleTimer("retire-" + done.QueueId, new RetireAgain(done.QueueId, done.Recipients), SpoolRetryDelay);
            return;
        }
        if (_retiring.TryGetValue(done.QueueId, out var pending))
        {
            pending.ExceptWith(done.Recipients);
            if (pending.Count == 0) _retiring.Remove(done.QueueId);
        }
        _retired.Add(done.QueueId, done.Recipients, Now);
        if (_handingOff) StopIfHandedOff();
    }
}
