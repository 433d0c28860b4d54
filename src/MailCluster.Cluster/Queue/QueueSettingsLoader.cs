using Akka.Configuration;
using MailCluster.Cluster.Hosting;
using MailCluster.Core.Queue;

namespace MailCluster.Cluster.Queue;

/// <summary>Reads mailcluster.queue, including the per-destination overrides (which fall back to the defaults key by key).</summary>
public static class QueueSettingsLoader
{
    public static QueueSettings Load(Config config, ConfigReader root)
    {
        var defaults = ReadPolicy(root, "queue", null);
        var destinations = new Dictionary<string, DestinationPolicy>(StringComparer.OrdinalIgnoreCase);
        const string path = "mailcluster.queue.destinations";
        if (config.HasPath(path))
            foreach (var key in config.GetConfig(path).Root.GetObject().Items.Keys)
                destinations[key] = ReadPolicy(root, $"queue.destinations.\"{key}\"", defaults);

        return new QueueSettings(
            defaults,
            destinations,
            root.PositiveInt("queue.max-shards", 100),
            root.PositiveInt("queue.snapshot-every", 1000),
            root.PositiveDuration("queue.passivate-idle-after", TimeSpan.FromMinutes(2)),
            root.PositiveDuration("queue.delivery-timeout", TimeSpan.FromMinutes(30)),
            root.PositiveDuration("queue.enqueue-timeout", TimeSpan.FromSeconds(30)),
            DeferTransports(root));
    }

    private static IReadOnlyList<string> DeferTransports(ConfigReader root)
    {
        var list = root.StringList("queue.defer-transports");
        foreach (var t in list.Where(t => t is not ("local" or "smtp" or "lmtp")))
            root.Error("queue.defer-transports", $"'{t}' is not a transport (local, smtp, lmtp)");
        return list;
    }

    private static DestinationPolicy ReadPolicy(ConfigReader root, string at, DestinationPolicy? fallback)
    {
        var p = root.Sub(at);
        TimeSpan Duration(string key, TimeSpan def) => p.Has(key) ? p.PositiveDuration(key, def) : def;
        var minimumBackoff = Duration("retry.minimum-backoff", fallback?.Retry.MinimumBackoff ?? TimeSpan.FromMinutes(5));
        var maximumBackoff = Duration("retry.maximum-backoff", fallback?.Retry.MaximumBackoff ?? TimeSpan.FromSeconds(4000));
        // Checked before RetryPolicy is built: its constructor throws on max < min, which skipped the problem list (found by fuzzing).
        if (maximumBackoff < minimumBackoff) p.Error("retry.maximum-backoff", "must not be less than minimum-backoff");
        var retry = new RetryPolicy(
            minimumBackoff,
            maximumBackoff < minimumBackoff ? minimumBackoff : maximumBackoff,
            Duration("retry.maximum-lifetime", fallback?.Retry.MaximumLifetime ?? TimeSpan.FromDays(5)),
            p.Has("retry.delay-warning-after")
                ? p.NonNegativeDuration("retry.delay-warning-after", TimeSpan.Zero) is var w && w > TimeSpan.Zero ? w : null
                : fallback?.Retry.DelayWarningAfter);
        var max = p.Has("max-concurrency") ? p.PositiveInt("max-concurrency", 20) : fallback?.MaxConcurrency ?? 20;
        var initial = p.Has("initial-concurrency") ? p.PositiveInt("initial-concurrency", 5) : fallback?.InitialConcurrency ?? 5;
        return new DestinationPolicy(max, Math.Min(initial, max), retry);
    }
}
