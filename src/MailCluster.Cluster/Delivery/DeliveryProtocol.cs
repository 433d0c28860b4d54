using MailCluster.Core.Delivery;

namespace MailCluster.Cluster.Delivery;

/// <summary>Messages between a next-hop queue and its delivery workers (children on the same node, never serialized).</summary>
public static class DeliveryProtocol
{
    /// <summary>Deliver one message to these recipients of this hop.</summary>
    /// <param name="Trace">The message's span in its queue: each attempt's span is its child (none without tracing).</param>
    public sealed record DeliveryJob(string QueueId, string Sender, IReadOnlyList<string> Recipients,
        System.Diagnostics.ActivityContext Trace = default);

    /// <summary>
    /// The outcome of a job. <paramref name="ConnectionFailed"/> means the destination could not be reached at all
    /// (it drives the concurrency window); the worker stops after such a report.
    /// </summary>
    public sealed record DeliveryReport(string QueueId, IReadOnlyList<RecipientResult> Results, bool ConnectionFailed, bool WorkerStopping);

    /// <summary>Nothing has been due for a while: close the connection politely and stop.</summary>
    public sealed record NoMoreWork;
}
