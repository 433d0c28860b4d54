namespace MailCluster.Core.Spool;

/// <summary>
/// The durable store for accepted messages. <see cref="StoreAsync"/> completes only once the message and all of
/// its recipients are on stable storage; it throws <see cref="SpoolUnavailableException"/> otherwise, and the
/// SMTP session answers 451 4.3.0. Each recipient row is the hook for the per-next-hop delivery queues.
/// </summary>
public interface IMessageSpool : IAsyncDisposable
{
    /// <summary>Idempotent per queue id and per (queue id, recipient), so a retried store never duplicates.</summary>
    Task StoreAsync(SpooledMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Retires recipients that reached a final state (delivered, bounced, expired, deleted). The body is removed with
    /// the last one. Idempotent.
    /// </summary>
    Task CompleteRecipientsAsync(string queueId, IReadOnlyList<string> recipients, CancellationToken cancellationToken = default);
    Task<SpooledMessage?> LoadAsync(string queueId, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<string>> ListQueueIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>The recipients not yet retired that belong to one delivery queue: how it recovers its entries.</summary>
    Task<IReadOnlyList<SpooledEntry>> LoadQueueEntriesAsync(string queueKey, CancellationToken cancellationToken = default);

    /// <summary>Every queue key with recipients not yet retired, so each of those queues can be woken after a crash.</summary>
    Task<IReadOnlyList<string>> ListQueueKeysAsync(CancellationToken cancellationToken = default);
}

public sealed class SpoolUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
