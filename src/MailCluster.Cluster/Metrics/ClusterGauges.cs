using System.Collections.Concurrent;

namespace MailCluster.Cluster.Metrics;

/// <summary>
/// Cluster membership and hosted shards as last seen by each actor system's <see cref="ClusterMetricsActor"/>. Summed
/// over the systems in the process: one in production; several only in tests, where the sum is still well-formed.
/// </summary>
public static class ClusterGauges
{
    public sealed record Snapshot(IReadOnlyDictionary<string, int> MembersByStatus, int Unreachable, int QueueShards);

    private static readonly ConcurrentDictionary<object, Snapshot> Snapshots = new();

    public static readonly string[] Statuses = ["joining", "weaklyup", "up", "leaving", "exiting", "down", "removed"];

    public static void Set(object system, Snapshot snapshot) => Snapshots[system] = snapshot;

    public static void Remove(object system) => Snapshots.TryRemove(system, out _);

    public static IEnumerable<(string Status, int Count)> Members() =>
        Statuses.Select(s => (s, Snapshots.Values.Sum(v => v.MembersByStatus.GetValueOrDefault(s))));

    public static int Unreachable() => Snapshots.Values.Sum(v => v.Unreachable);

    public static int QueueShards() => Snapshots.Values.Sum(v => v.QueueShards);
}
