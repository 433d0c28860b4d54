using MailCluster.Cluster.Serialization;

namespace MailCluster.Cluster.Admin.History;

/// <summary>Asks one node for its samples of the last hour.</summary>
public sealed record GetThroughputHistory : IMailClusterMessage;

/// <summary>One node's samples, oldest first.</summary>
public sealed record ThroughputHistory(string Node, TimeSpan Interval, IReadOnlyList<ThroughputSample> Samples) : IMailClusterMessage;

/// <summary>
/// The node's cumulative counters at <paramref name="At"/> (since it started) and the messages in the queues it hosts.
/// <paramref name="Deferred"/> counts deferred recipient attempts, not messages.
/// </summary>
public sealed record ThroughputSample(DateTimeOffset At, long Accepted, long Delivered, long Deferred, long Bounced, int Queued);
