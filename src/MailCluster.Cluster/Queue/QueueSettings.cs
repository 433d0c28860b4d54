using MailCluster.Core.Queue;

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
    public bool IsDeferred(string hopKey) =>
        DeferTransports is { Count: > 0 } list && list.Contains(hopKey.Split(':')[0], StringComparer.OrdinalIgnoreCase);

    /// <summary>A per-destination block wins, keyed by the next-hop key ("smtp:[relay.example]:25") or its domain.</summary>
    public DestinationPolicy For(string hopKey) =>
        Destinations.TryGetValue(hopKey, out var exact) ? exact
        : Destinations.TryGetValue(DomainOf(hopKey), out var byDomain) ? byDomain
        : Defaults;

    private static string DomainOf(string hopKey)
    {
        var rest = hopKey.Contains(':') ? hopKey[(hopKey.IndexOf(':') + 1)..] : hopKey;
        if (rest.StartsWith('[')) rest = rest[1..rest.IndexOf(']')];
        return rest;
    }
}
