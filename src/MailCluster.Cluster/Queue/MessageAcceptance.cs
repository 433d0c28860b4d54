using Akka.Actor;
using MailCluster.Cluster.Hosting;
using MailCluster.Cluster.Metrics;
using MailCluster.Cluster.Queue.Placement;
using MailCluster.Core.Routing;
using MailCluster.Core.Spool;

namespace MailCluster.Cluster.Queue;

/// <summary>How a finished SMTP transaction (or a bounce) becomes our responsibility.</summary>
public interface IMessageAcceptance
{
    /// <summary>
    /// Completes once the body, the envelope and every recipient's queue entry are in the spool, in one commit: the
    /// moment a 250 may be sent. Throws otherwise, and the caller answers 451. Cancel the token when the caller gives
    /// up waiting; whatever gets stored afterwards is then retired, because the client still holds the message.
    /// </summary>
    Task AcceptAsync(SpooledMessage message, CancellationToken cancellationToken = default);
}

/// <summary>
/// Routes every recipient and stores the message with each recipient's queue key: that single spool commit is the
/// acceptance, the only durable write before 250. The queues are told afterwards; a notice that is lost or
/// unacknowledged costs only time, because the queue reads its rows from the spool (<see cref="ReconcileQueue"/>) when told again, when it
/// restarts, and when a node restarts or leaves.
/// </summary>
public sealed class MessageAcceptance(IMessageSpool spool, IActorRef queues, Func<RoutingTable> routing, TimeSpan enqueueTimeout,
    QueuePlacement placement) : IMessageAcceptance
{
    /// <summary>How often an unacknowledged queue is asked to reconcile before the node-wide sweeps are left to find the rows.</summary>
    private const int ReconcileAttempts = 8;

    public async Task AcceptAsync(SpooledMessage message, CancellationToken cancellationToken = default)
    {
        var table = routing();
        var routed = message.Recipients
            .SelectMany(r => RecipientRouter.Resolve(table, r))
            .DistinctBy(r => r.Address.ToLowerInvariant())
            .ToList();
        if (routed.Count == 0) throw new InvalidOperationException($"{message.QueueId}: no recipient could be routed");

        // The spool rows are the routed recipients (aliases expanded), one per queue entry, so each entry retires its own row.
        var addresses = routed.Select(r => r.Address).ToList();
        // One queue entity per hop for this message (a partition, for a partitioned hop), so a message's recipients
        // for one destination stay together and go in one transaction.
        var entityOf = routed.Select(r => r.Hop.Key).Distinct().ToDictionary(hop => hop, hop => placement.EntityFor(hop, message.QueueId));
        var routes = routed.Select(r => new SpooledRoute(entityOf[r.Hop.Key], r.OriginalRecipient)).ToList();
        FaultPoints.Hit(FaultPoints.BeforeSpoolCommit);
        try
        {
            await spool.StoreAsync(message with { Recipients = addresses, Routes = routes }, cancellationToken);
            FaultPoints.Hit(FaultPoints.AfterSpoolCommit);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (OperationCanceledException)
        {
            // The write may have committed as the caller gave up and answered 451; the client sends it again, so it goes.
            _ = spool.CompleteRecipientsAsync(message.QueueId, addresses).ContinueWith(_ => { }, TaskScheduler.Default);
            throw;
        }

        // The notices are waited for (an in-memory round trip, no write), so a queue listing right after the 250 shows
        // the message; one that is not acknowledged in time does not hold the 250 back: the rows are the entries.
        var traceParent = Tracing.MailTracing.TraceParentOf(System.Diagnostics.Activity.Current);
        var notices = routed.GroupBy(r => entityOf[r.Hop.Key]).Select(hop => NotifyAsync(new EnqueueRecipients(hop.Key,
            hop.Select(r => new QueueEntry(message.QueueId, r.Address, r.OriginalRecipient, message.Sender,
                message.ReceivedAt, message.Content.Length)).ToList(), traceParent))).ToList();
        try
        {
            // Stored is accepted: when the caller's patience runs out during the notices, it still gets its 250.
            await Task.WhenAll(notices).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) { }
        FaultPoints.Hit(FaultPoints.AfterQueueNotice);
    }

    /// <summary>
    /// Tells the queue of its new entries. Without an acknowledgement, it is asked to read them from the spool instead
    /// (always correct, whatever it did meanwhile), with growing pauses, in the background.
    /// </summary>
    private async Task NotifyAsync(EnqueueRecipients enqueue)
    {
        MailClusterMetrics.QueueNotice(placement.IsLocal(enqueue.HopKey));
        try
        {
            await queues.Ask<RecipientsAccepted>(enqueue, enqueueTimeout);
            return;
        }
        catch (Exception)
        {
            _ = ReconcileUntilAcknowledgedAsync(enqueue.HopKey);
        }
    }

    private async Task ReconcileUntilAcknowledgedAsync(string hopKey)
    {
        var pause = TimeSpan.FromSeconds(1);
        for (var attempt = 0; attempt < ReconcileAttempts; attempt++)
        {
            await Task.Delay(pause);
            try
            {
                await queues.Ask<QueueCommandDone>(new ReconcileQueue(hopKey), enqueueTimeout + pause);
                return;
            }
            catch (Exception)
            {
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }
}
