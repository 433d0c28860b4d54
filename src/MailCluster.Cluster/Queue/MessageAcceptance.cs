using Akka.Actor;
using MailCluster.Core.Routing;
using MailCluster.Core.Spool;

namespace MailCluster.Cluster.Queue;

/// <summary>How a finished SMTP transaction (or a bounce) becomes our responsibility.</summary>
public interface IMessageAcceptance
{
    /// <summary>
    /// Completes only once the body is in the spool and every next-hop queue has journaled its entries: the moment
    /// a 250 may be sent. Throws otherwise, and the caller answers 451; whatever was stored is then withdrawn, because
    /// the client still holds the message and will send it again. Cancel the token when the caller gives up waiting.
    /// </summary>
    Task AcceptAsync(SpooledMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Routes every recipient, stores the body once, then enqueues per next hop and waits for each acknowledgement.</summary>
public sealed class MessageAcceptance(IMessageSpool spool, IActorRef queues, Func<RoutingTable> routing, TimeSpan enqueueTimeout)
    : IMessageAcceptance
{
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
        try
        {
            await spool.StoreAsync(message with { Recipients = addresses }, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The write may have committed as the caller gave up; no queue knows of it, so its rows go (idempotent).
            _ = spool.CompleteRecipientsAsync(message.QueueId, addresses).ContinueWith(_ => { }, TaskScheduler.Default);
            throw;
        }

        var hops = routed.GroupBy(r => r.Hop.Key).ToList();
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.WhenAll(hops.Select(hop =>
            {
                var entries = hop.Select(r => new QueueEntry(message.QueueId, r.Address, r.OriginalRecipient, message.Sender,
                    message.ReceivedAt, message.Content.Length)).ToList();
                return queues.Ask<RecipientsAccepted>(new EnqueueRecipients(hop.Key, entries), enqueueTimeout, cancellationToken);
            }));
        }
        catch (Exception ex)
        {
            // A queue that confirmed too late, or confirmed while another did not, would deliver a message the client
            // sends again (a duplicate) and its body would stay in the spool for good.
            _ = WithdrawAsync(message.QueueId, hops.Select(h => h.Key).ToList(), addresses);
            if (ex is AskTimeoutException)
                throw new QueueUnavailableException($"{message.QueueId}: a delivery queue did not confirm within {enqueueTimeout.TotalSeconds:0.#}s");
            throw;
        }
    }

    /// <summary>
    /// Removes the message from every queue it was sent to (each withdrawal is ordered after that queue's enqueue), then
    /// its spool rows. If a queue cannot confirm, the body stays: that queue may still hold the entry and deliver it.
    /// </summary>
    private async Task WithdrawAsync(string queueId, IReadOnlyList<string> hopKeys, IReadOnlyList<string> recipients)
    {
        try
        {
            // More patience than the enqueue had: the queue that was too slow then is probably still slow now.
            var timeout = TimeSpan.FromTicks(Math.Max(enqueueTimeout.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            await Task.WhenAll(hopKeys.Select(hop => queues.Ask<QueueCommandDone>(new WithdrawMessage(hop, queueId), timeout)));
            await spool.CompleteRecipientsAsync(queueId, recipients);
        }
        catch (Exception)
        {
            // Nothing more to do here: a duplicate delivery at worst, never a loss.
        }
    }
}

public sealed class QueueUnavailableException(string message) : Exception(message);
