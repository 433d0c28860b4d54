using Akka.Actor;
using Akka.Event;
using static MailCluster.Cluster.Delivery.DeliveryProtocol;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// Moving a queue to another node (a rebalance, or this node leaving). The shard sends <see cref="HandOff"/> instead of
/// a PoisonPill, and the queue stops only once the deliveries under way have reported and their outcomes are journaled:
/// killed mid-delivery, it would leave mail that was already delivered due again on the new node (a duplicate).
/// Nothing new starts meanwhile; the shard holds back new commands until the queue has stopped.
/// </summary>
public sealed partial class NextHopQueueActor
{
    public sealed class HandOff
    {
        public static readonly HandOff Instance = new();
        private HandOff() { }
    }

    private bool _handingOff;

    private void OnHandOff()
    {
        if (!_handingOff && _inFlight.Count > 0)
            _log.Info("queue {0}: handing off after {1} deliveries under way finish", _entityId, _inFlight.Count);
        _handingOff = true;
        foreach (var worker in _idle.Keys.ToList()) RetireWorker(worker);
        StopIfHandedOff();
    }

    private void RetireWorker(IActorRef worker)
    {
        _idle.Remove(worker);
        _workers.Remove(worker);
        worker.Tell(new NoMoreWork());
    }

    private void StopIfHandedOff()
    {
        if (_handingOff && _inFlight.Count == 0 && _bouncing.Count == 0 && !IsWriting && _outbox.Count == 0 && _retiring.Count == 0)
            Context.Stop(Self);
    }
}
