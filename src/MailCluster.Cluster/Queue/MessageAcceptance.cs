using Akka.Actor;
using MailCluster.Core.Routing;
using MailCluster.Core.Spool;

namespace MailCluster.Cluster.Queue;

/// <summary>How a finished SMTP transaction (or a bounce) becomes our responsibility.</summary>
public interface IMessageAcceptance
{
    /// <summary>
    /// Completes only once the body is in the spool and every next-hop queue has journaled its entries: the moment
    /// a 250 may be sent. Throws otherwise, and the caller answers 451.
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
        await spool.StoreAsync(message with { Recipients = routed.Select(r => r.Address).ToList() }, cancellationToken);

        var acknowledgements = routed.GroupBy(r => r.Hop.Key).Select(hop =>
        {
            var entries = hop.Select(r => new QueueEntry(message.QueueId, r.Address, r.OriginalRecipient, message.Sender,
                message.ReceivedAt, message.Content.Length)).ToList();
            return queues.Ask<RecipientsAccepted>(new EnqueueRecipients(hop.Key, entries), enqueueTimeout, cancellationToken);
        });
        try
        {
            await Task.WhenAll(acknowledgements);
        }
        catch (AskTimeoutException)
        {
            throw new QueueUnavailableException($"{message.QueueId}: a delivery queue did not confirm within {enqueueTimeout.TotalSeconds:0.#}s");
        }
    }
}

public sealed class QueueUnavailableException(string message) : Exception(message);
