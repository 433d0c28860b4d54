using Akka.Actor;
using MailCluster.Cluster.Hosting;
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
/// acceptance. The queues are told afterwards, off the 250 path; a notice that is lost or unacknowledged costs only
/// time, because the queue reads its rows from the spool (<see cref="ReconcileQueue"/>) when told again, when it
/// restarts, and when a node restarts or leaves.
/// </summary>
public sealed class MessageAcceptance(IMessageSpool spool, IActorRef queues, Func<RoutingTable> routing, TimeSpan enqueueTimeout)
    : IMessageAcceptance
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
        var routes = routed.Select(r => new SpooledRoute(r.Hop.Key, r.OriginalRecipient)).ToList();
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

        foreach (var hop in routed.GroupBy(r => r.Hop.Key))
        {
            var entries = hop.Select(r => new QueueEntry(message.QueueId, r.Address, r.OriginalRecipient, message.Sender,
                message.ReceivedAt, message.Content.Length)).ToList();
            _ = NotifyAsync(new EnqueueRecipients(hop.Key, entries));
        }
        FaultPoints.Hit(FaultPoints.AfterQueueNotice);
    }

    /// <summary>
    /// Tells the queue of its new entries. Without an acknowledgement, it is asked to read them from the spool instead
    /// (always correct, whatever it did meanwhile), with growing pauses.
    /// </summary>
    private async Task NotifyAsync(EnqueueRecipients enqueue)
    {
        try
        {
            await queues.Ask<RecipientsAccepted>(enqueue, enqueueTimeout);
            return;
        }
        catch (Exception) { }
        var pause = TimeSpan.FromSeconds(1);
        for (var attempt = 0; attempt < ReconcileAttempts; attempt++)
        {
            await Task.Delay(pause);
            try
            {
                await queues.Ask<QueueCommandDone>(new ReconcileQueue(enqueue.HopKey), enqueueTimeout + pause);
                return;
            }
            catch (Exception)
            {
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }
}
