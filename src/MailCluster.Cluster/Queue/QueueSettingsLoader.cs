using Akka.Configuration;
using MailCluster.Cluster.Hosting;
using MailCluster.Core.Queue;

namespace MailCluster.Cluster.Queue;

/// <summary>Reads mailcluster.queue, including the per-destination overrides (which fall back to the defaults key by key).</summary>
public static class QueueSettingsLoader
{
    /// <summary>More partitions than nodes buys nothing; this bounds the entity count a typo could create.</summary>
    public const int MaxPartitions = 64;

    public static QueueSettings Load(Config config, ConfigReader root, IReadOnlyList<string>? localDomains = null, string hostName = "localhost")
    {
        var defaults = ReadPolicy(root, "queue", null);
        var destinations = new Dictionary<string, DestinationPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in root.Map("queue.destinations"))
        {
            if (value.IsObject()) destinations[key] = ReadPolicy(root, $"queue.destinations.\"{key}\"", defaults);
            else root.Error($"queue.destinations.\"{key}\"", "an override is an object such as { max-concurrency = 50 }");
        }

        return new QueueSettings(
            defaults,
            destinations,
            root.PositiveInt("queue.max-shards", 100),
            root.PositiveInt("queue.snapshot-every", 1000),
            root.PositiveDuration("queue.passivate-idle-after", TimeSpan.FromMinutes(2)),
            root.PositiveDuration("queue.delivery-timeout", TimeSpan.FromMinutes(30)),
            root.PositiveDuration("queue.enqueue-timeout", TimeSpan.FromSeconds(30)),
            DeferTransports(root),
            DoubleBounceRecipient(root, localDomains ?? [], hostName));
    }

    /// <summary>
    /// Postfix's 2bounce_notice_recipient: who hears of a bounce (any mail from &lt;&gt;) that could not be delivered.
    /// A bare "postmaster" is the postmaster of the first local domain (or of this host); "" turns the notices off.
    /// </summary>
    private static string? DoubleBounceRecipient(ConfigReader root, IReadOnlyList<string> localDomains, string hostName)
    {
        var value = root.String("queue.double-bounce-recipient", "postmaster").Trim();
        if (value.Length == 0) return null;
        if (string.Equals(value, "postmaster", StringComparison.OrdinalIgnoreCase))
            return "postmaster@" + (localDomains.Count > 0 ? localDomains[0] : hostName);
        var at = value.LastIndexOf('@');
        if (at > 0 && at < value.Length - 1 && !value.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or ',')) return value;
        root.Error("queue.double-bounce-recipient", $"'{value}' is not an address such as postmaster@example.com (or \"postmaster\", or \"\" for none)");
        return null;
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
        // Ages and spacings compared against the clock, not waited for: no timer limit.
        TimeSpan Duration(string key, TimeSpan def) => p.Has(key) ? p.PositiveDuration(key, def, isTimer: false) : def;
        var minimum = Duration("retry.minimum-backoff", fallback?.Retry.MinimumBackoff ?? RetryPolicy.DefaultMinimumBackoff);
        var maximum = Duration("retry.maximum-backoff", fallback?.Retry.MaximumBackoff ?? RetryPolicy.DefaultMaximumBackoff);
        var lifetime = Duration("retry.maximum-lifetime", fallback?.Retry.MaximumLifetime ?? RetryPolicy.DefaultMaximumLifetime);
        var warning = p.Has("retry.delay-warning-after")
            ? p.NonNegativeDuration("retry.delay-warning-after", TimeSpan.Zero, isTimer: false) is var w && w > TimeSpan.Zero ? w : (TimeSpan?)null
            : fallback?.Retry.DelayWarningAfter;
        // RetryPolicy guards these too, by throwing; checked here first so a bad file is a path-keyed error, not a crash.
        // The error goes on the key this block set (a destination may set only one side and inherit the other).
        if (maximum < minimum)
        {
            var key = p.Has("retry.maximum-backoff") || !p.Has("retry.minimum-backoff") ? "retry.maximum-backoff" : "retry.minimum-backoff";
            p.Error(key, $"maximum-backoff ({maximum}) must not be less than minimum-backoff ({minimum})");
            maximum = minimum;
        }
        var retry = new RetryPolicy(minimum, maximum, lifetime, warning);
        var max = p.Has("max-concurrency") ? p.PositiveInt("max-concurrency", 20) : fallback?.MaxConcurrency ?? 20;
        var initial = p.Has("initial-concurrency") ? p.PositiveInt("initial-concurrency", 5) : fallback?.InitialConcurrency ?? 5;
        var partitions = p.Has("partitions") ? p.PositiveInt("partitions", 1) : fallback?.Partitions ?? 1;
        if (partitions > max)
        {
            // Each partition needs a connection of its own within the cluster-wide window.
            p.Error(p.Has("partitions") ? "partitions" : "max-concurrency",
                $"partitions ({partitions}) must not exceed max-concurrency ({max}): each partition holds at least one connection of the window");
            partitions = max;
        }
        if (partitions > MaxPartitions)
        {
            p.Error("partitions", $"must be at most {MaxPartitions}");
            partitions = MaxPartitions;
        }
        double Rate(string key, double def) => p.Has(key) ? p.NonNegativeNumber(key, def) : def;
        var rates = new RateLimit(
            Rate("rate-limit.messages-per-second", fallback?.Rates.MessagesPerSecond ?? 0),
            Rate("rate-limit.messages-per-minute", fallback?.Rates.MessagesPerMinute ?? 0),
            Rate("rate-limit.connections-per-minute", fallback?.Rates.ConnectionsPerMinute ?? 0));
        return new DestinationPolicy(max, Math.Min(initial, max), retry, partitions, rates);
    }
}
