using System.Diagnostics;
using MailCluster.Core.Spool;

namespace MailCluster.Cluster.Metrics;

/// <summary>Times the spool's writes (store on accept, retire on completion) for the spool write latency histogram.</summary>
public sealed class TimedMessageSpool(IMessageSpool inner) : IMessageSpool
{
    public async Task StoreAsync(SpooledMessage message, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await inner.StoreAsync(message, cancellationToken);
        MailClusterMetrics.SpoolWritten("store", Stopwatch.GetElapsedTime(started));
    }

    public async Task CompleteRecipientsAsync(string queueId, IReadOnlyList<string> recipients, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await inner.CompleteRecipientsAsync(queueId, recipients, cancellationToken);
        MailClusterMetrics.SpoolWritten("complete", Stopwatch.GetElapsedTime(started));
    }

    public Task<SpooledMessage?> LoadAsync(string queueId, CancellationToken cancellationToken = default) =>
        inner.LoadAsync(queueId, cancellationToken);

    public Task<IReadOnlyList<string>> ListQueueIdsAsync(CancellationToken cancellationToken = default) =>
        inner.ListQueueIdsAsync(cancellationToken);

    public Task<IReadOnlyList<SpooledEntry>> LoadQueueEntriesAsync(string queueKey, CancellationToken cancellationToken = default) =>
        inner.LoadQueueEntriesAsync(queueKey, cancellationToken);

    public Task<IReadOnlyList<string>> ListQueueKeysAsync(CancellationToken cancellationToken = default) =>
        inner.ListQueueKeysAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
