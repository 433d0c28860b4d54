using System.Diagnostics;
using Akka.Actor;
using MailCluster.Cluster.Metrics;
using Akka.Event;
using Akka.Persistence;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// Group commit. A hot queue (every message to one relay host) would top out at a round trip per event with plain
/// Persist, so events wait in an outbox while a write is in flight and the next write takes all of them at once.
/// Each event's callback (the acknowledgement to ingress, the retirement from the spool) runs only once it is stored.
/// </summary>
public sealed partial class NextHopQueueActor
{
    private sealed class BatchWritten
    {
        public static readonly BatchWritten Instance = new();
    }

    private List<(IQueueEvent Event, Action? After)> _outbox = [];
    private bool IsWriting { get; set; }
    private int _eventsSinceSnapshot;

    private void Write(IQueueEvent e, Action? after = null)
    {
        _outbox.Add((e, after));
        if (!IsWriting) FlushOutbox();
    }

    private void FlushOutbox()
    {
        var batch = _outbox;
        _outbox = [];
        IsWriting = true;
        var next = 0;
        var started = Stopwatch.GetTimestamp();
        PersistAllAsync(batch.Select(b => b.Event), _ =>
        {
            var (stored, after) = batch[next++];
            _state = _state.Apply(stored);
            _eventsSinceSnapshot++;
            after?.Invoke();
        });
        DeferAsync(BatchWritten.Instance, _ =>
        {
            MailClusterMetrics.JournalWritten(Stopwatch.GetElapsedTime(started));
            IsWriting = false;
            ReportDepth(full: false);
            MaybeSnapshot();
            if (_outbox.Count > 0) FlushOutbox();
            Work();
        });
    }

    /// <summary>Snapshots bound recovery time; events before a saved snapshot are then deleted.</summary>
    private void MaybeSnapshot()
    {
        // Not before the spool's rows are merged: replayed events still waiting for them are in no snapshot.
        if (_eventsSinceSnapshot < _services.Settings.SnapshotEvery || !_spoolLoaded) return;
        _eventsSinceSnapshot = 0;
        SaveSnapshot(_state.ToSnapshot() with
        {
            Retiring = _retiring.Select(r => new QueueSnapshot.Retirement(r.Key, r.Value.ToList())).ToList(),
        });
    }

    private void SnapshotCommands()
    {
        Command<SaveSnapshotSuccess>(saved =>
        {
            DeleteMessages(saved.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failed => _log.Warning("queue {0}: snapshot failed: {1}", _entityId, failed.Cause.Message));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => _log.Warning("queue {0}: event cleanup failed: {1}", _entityId, failed.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }
}
