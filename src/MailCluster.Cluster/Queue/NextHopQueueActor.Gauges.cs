using Akka.Actor;
using MailCluster.Cluster.Metrics;

namespace MailCluster.Cluster.Queue;

/// <summary>Reports this queue's depth and oldest message to <see cref="QueueGauges"/> for /metrics.</summary>
public sealed partial class NextHopQueueActor
{
    private QueueGauges.Report? _lastDepth;
    /// <summary>Small queues are scanned after every write too: the queue no longer wakes every second to do it.</summary>
    private const int FullScanUpTo = 1000;

    /// <param name="full">
    /// Scan every message (recipients, oldest arrival): on every wake-up, and after each write while the queue is small. After each journal write only the message
    /// count is refreshed, because a hot queue writes many batches a second and a scan each time would add up.
    /// </param>
    private void ReportDepth(bool full)
    {
        var transport = _nextHop?.Transport ?? "unknown";
        if (_state.IsEmpty) _lastDepth = new QueueGauges.Report(transport, 0, 0, null);
        else if (full || _lastDepth is null || _state.MessageCount <= FullScanUpTo)
        {
            var recipients = 0;
            DateTimeOffset? oldest = null;
            foreach (var m in _state.Messages)
            {
                recipients += m.Recipients.Values.Count(r => r.Pending);
                if (oldest is null || m.ArrivedAt < oldest) oldest = m.ArrivedAt;
            }
            _lastDepth = new QueueGauges.Report(transport, _state.MessageCount, recipients, oldest);
        }
        else _lastDepth = _lastDepth with { Messages = _state.MessageCount };
        QueueGauges.Set(Self, _lastDepth);
    }

    protected override void PostStop()
    {
        // A passivation that raced an enqueue stops an entity holding entries nobody else knows of: restart it, and it
        // reads them back from the spool. (A handoff does not need this: the new home loads the rows.)
        if (!_state.IsEmpty && !_handingOff)
        {
            try { Akka.Cluster.Sharding.ClusterSharding.Get(Context.System).ShardRegion(QueueSharding.TypeName).Tell(new ReconcileQueue(_entityId), ActorRefs.NoSender); }
            catch (Exception) { } // shutting down: the next start reads the rows anyway
        }
        QueueGauges.Remove(Self);
        base.PostStop();
    }
}
