using MailCluster.Core.Queue;
using MailCluster.Core.Routing;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// How one destination is worked: the concurrency window, the retry schedule, how many partitions its queue is split
/// into (so several nodes deliver for it), and its rate limits. Concurrency and rates are cluster-wide: each
/// partition works within its share (<see cref="PartitionShare"/>).
/// </summary>
public sealed record DestinationPolicy(int MaxConcurrency, int InitialConcurrency, RetryPolicy Retry, int Partitions = 1,
    RateLimit? RateLimit = null)
{
    public RateLimit Rates => RateLimit ?? Core.Queue.RateLimit.None;

    /// <summary>The share of one partition: its part of the window and of each rate.</summary>
    public DestinationPolicy ForPartition(int partition)
    {
        // A partition beyond the count (it was lowered): it keeps its rows and drains them on one connection, at the
        // share of the last partition, so the old partitions add as little as possible to the limit while they empty.
        if (partition >= Partitions && partition > 0)
            return this with { MaxConcurrency = 1, InitialConcurrency = 1, RateLimit = Rates.Share(Math.Max(Partitions, partition + 1)) };
        if (Partitions <= 1) return this;
        var max = Math.Max(1, PartitionShare.Of(MaxConcurrency, Partitions, partition));
        var initial = Math.Clamp(PartitionShare.Of(InitialConcurrency, Partitions, partition), 1, max);
        return this with { MaxConcurrency = max, InitialConcurrency = initial, RateLimit = Rates.Share(Partitions) };
    }
}

public sealed record QueueSettings(
    DestinationPolicy Defaults,
    IReadOnlyDictionary<string, DestinationPolicy> Destinations,
    int MaxShards,
    int SnapshotEvery,
    TimeSpan PassivateIdleAfter,
    TimeSpan JobTimeout,
    TimeSpan EnqueueTimeout,
    IReadOnlyList<string>? DeferTransports = null,
    string? DoubleBounceRecipient = null)
{
    /// <summary>Postfix's defer_transports: queues of these transports hold their mail until flushed.</summary>
    public bool IsDeferred(NextHop hop) =>
        DeferTransports is { Count: > 0 } list && list.Contains(hop.Transport, StringComparer.OrdinalIgnoreCase);

    /// <summary>A per-destination block wins, keyed by the next-hop key ("smtp:[relay.example]:25") or its host or domain.</summary>
    public DestinationPolicy For(NextHop hop) =>
        Destinations.TryGetValue(hop.Key, out var exact) ? exact
        : hop.Host.Length > 0 && Destinations.TryGetValue(hop.Host, out var byHost) ? byHost
        : Defaults;

    /// <summary>As <see cref="For(NextHop)"/> for a hop key; a key that is no next hop gets the defaults.</summary>
    public DestinationPolicy For(string hopKey) => NextHop.TryParse(hopKey, out var hop) ? For(hop) : Defaults;
}
