using System.Text.Json;
using MailCluster.Cluster.Admin;

namespace MailCluster.Cli.Admin;

/// <summary>
/// "qshape": like Postfix's qshape, queued recipients per recipient domain by age, in buckets that double
/// (5, 10, 20 ... 1280 minutes and older). The top row totals every domain. --hop limits it to one next hop.
/// </summary>
public static class QshapeCommand
{
    private static readonly int[] BucketMinutes = [5, 10, 20, 40, 80, 160, 320, 640, 1280];

    public static async Task<int> RunAsync(ParsedOptions options, CliConsole console)
    {
        var top = options.Optional("top") is { } t ? int.TryParse(t, out var n) && n > 0 ? n : throw new UsageException("--top needs a positive number") : 20;
        using var client = new AdminClient(AdminConnection.From(options));

        var hops = options.Optional("hop") is { } hop
            ? [hop]
            : AdminClient.As<List<QueueSummaryView>>(await client.GetAsync("/api/queues")).Select(q => q.HopKey).ToList();
        var entries = new List<QueueEntryModel>();
        foreach (var h in hops)
            entries.AddRange(AdminClient.As<QueueEntriesView>(await client.GetAsync($"/api/queues/{Uri.EscapeDataString(h)}/entries")).Entries);

        var now = DateTimeOffset.UtcNow;
        var rows = entries.GroupBy(e => MessageSelection.DomainOf(e.Recipient).ToLowerInvariant())
            .Select(g => (Domain: g.Key, Counts: Histogram(g.Select(e => (now - e.ArrivedAt).TotalMinutes))))
            .OrderByDescending(r => r.Counts.Sum()).ThenBy(r => r.Domain, StringComparer.Ordinal).ToList();
        var total = Histogram(entries.Select(e => (now - e.ArrivedAt).TotalMinutes));
        var headers = BucketMinutes.Select(m => $"{m}").Append($"{BucketMinutes[^1]}+").ToList();

        if (options.Flag("json"))
        {
            console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                bucketsMinutes = headers,
                total = new { count = total.Sum(), buckets = total },
                domains = rows.Select(r => new { domain = r.Domain, count = r.Counts.Sum(), buckets = r.Counts }),
            }, AdminClient.Json));
            return ExitCodes.Ok;
        }
        TextTable.Write(console.Out, ["", "T", .. headers],
            new[] { ("TOTAL", total) }.Concat(rows.Take(top).Select(r => (r.Domain, r.Counts)))
                .Select(r => (IReadOnlyList<string>)[r.Item1, $"{r.Item2.Sum()}", .. r.Item2.Select(c => $"{c}")]));
        return ExitCodes.Ok;
    }

    /// <summary>Counts per bucket: an entry younger than 5 minutes goes in the first, one older than 1280 in the last.</summary>
    private static int[] Histogram(IEnumerable<double> agesMinutes)
    {
        var counts = new int[BucketMinutes.Length + 1];
        foreach (var age in agesMinutes)
        {
            var bucket = Array.FindIndex(BucketMinutes, limit => age < limit);
            counts[bucket < 0 ? BucketMinutes.Length : bucket]++;
        }
        return counts;
    }
}
