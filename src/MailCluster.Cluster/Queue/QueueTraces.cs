using System.Diagnostics;
using MailCluster.Cluster.Tracing;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// The span each message got when this queue entity took it in, so every delivery attempt (from this node, whichever
/// accepted the message) is a child in the message's trace. In memory and bounded: a message recovered from the spool
/// after a restart, or one that outlived the bound, starts its attempts in new traces (still with its queue id).
/// </summary>
public sealed class QueueTraces(int capacity = 10_000)
{
    private readonly Dictionary<string, ActivityContext> _byQueueId = new(StringComparer.Ordinal);
    private readonly Queue<string> _age = new();

    public void Enqueued(EnqueueRecipients command, string entityId)
    {
        if (command.TraceParent is null || command.Entries.Count == 0) return;
        var queueId = command.Entries[0].QueueId;
        using var span = MailTracing.StartDetached("mailcluster.queue.enqueue", ActivityKind.Consumer, MailTracing.ParentFrom(command.TraceParent));
        if (span is null) return;
        span.SetTag("mailcluster.queue_id", queueId);
        span.SetTag("mailcluster.queue", entityId);
        span.SetTag("mailcluster.recipients", command.Entries.Count);
        if (!_byQueueId.ContainsKey(queueId)) _age.Enqueue(queueId);
        _byQueueId[queueId] = span.Context;
        while (_age.Count > capacity) _byQueueId.Remove(_age.Dequeue());
    }

    public ActivityContext For(string queueId) => _byQueueId.GetValueOrDefault(queueId);
}
