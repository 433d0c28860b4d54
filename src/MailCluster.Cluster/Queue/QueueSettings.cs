using MailCluster.Core.Queue;

namespace MailCluster.Cluster.Queue;

/// <summary>How one destination is worked: the concurrency window and the retry schedule.</summary>
public sealed record DestinationPolicy(int MaxConcurrency, int InitialConcurrency, RetryPolicy Retry);

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
