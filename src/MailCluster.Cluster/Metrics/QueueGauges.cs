using System.Collections.Concurrent;

namespace MailCluster.Cluster.Metrics;

/// <summary>
/// What each live next-hop queue on this node last reported: its message count and its oldest message's arrival.
/// The queue depth gauges read it at scrape time. Keyed by the queue actor itself (not the hop key), so two in-process
/// nodes hosting the same hop (tests) don't overwrite each other; a queue removes itself when it stops.
/// </summary>
public static class QueueGauges
{
    /// <summary>Every transport gets a series, 0 when it has no queues, so dashboards show 0 rather than a gap.</summary>
    public static readonly string[] Transports = ["smtp", "lmtp", "local"];

    public sealed record Report(string Transport, int Messages, int Recipients, DateTimeOffset? OldestArrival);

    private static readonly ConcurrentDictionary<object, Report> Reports = new();

    public static void Set(object queue, Report report) => Reports[queue] = report;

    public static void Remove(object queue) => Reports.TryRemove(queue, out _);

    public static IEnumerable<(string Transport, int Messages, int Recipients, double OldestAgeSeconds)> ByTransport(DateTimeOffset now)
    {
        var reports = Reports.Values.ToList();
        foreach (var transport in Transports.Union(reports.Select(r => r.Transport)))
        {
            var mine = reports.Where(r => r.Transport == transport).ToList();
            var oldest = mine.Where(r => r.OldestArrival is not null).Select(r => r.OldestArrival!.Value).DefaultIfEmpty(now).Min();
            yield return (transport, mine.Sum(r => r.Messages), mine.Sum(r => r.Recipients), Math.Max(0, (now - oldest).TotalSeconds));
        }
    }
}
