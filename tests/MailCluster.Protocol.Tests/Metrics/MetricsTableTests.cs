using System.Text.RegularExpressions;
using MailCluster.Protocol.Tests.Admin;

namespace MailCluster.Protocol.Tests.Metrics;

/// <summary>
/// /metrics of a real node after real SMTP traffic exports exactly the families of the metrics table in
/// docs/OPERATIONS.md, with the table's types and label names: nothing that the exporter library adds on its own
/// (unit suffixes, scope labels, target_info, process metrics) reaches the dashboards and alert rules that use the table.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed partial class MetricsTableTests
{
    private sealed record Documented(string Type, IReadOnlySet<string> Labels);

    // | `mailcluster_x_total` | counter | verdict (`reject`, `defer`), rule | meaning |
    [GeneratedRegex(@"^\| `(mailcluster_[a-z0-9_]+)` \| (counter|gauge|histogram) \|([^|]*)\|")]
    private static partial Regex TableRow();

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex LabelPair();

    /// <summary>The table's rows: a label cell is names, each maybe followed by its values in parentheses.</summary>
    private static Dictionary<string, Documented> Table()
    {
        var table = new Dictionary<string, Documented>();
        foreach (var line in File.ReadLines(DashboardTests.RepoFile("docs", "OPERATIONS.md")))
        {
            var row = TableRow().Match(line);
            if (!row.Success) continue;
            var labels = Regex.Replace(row.Groups[3].Value, @"\([^)]*\)", "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            table[row.Groups[1].Value] = new Documented(row.Groups[2].Value, labels.ToHashSet());
        }
        Assert.True(table.Count >= 20, $"only {table.Count} rows read from the metrics table");
        return table;
    }

    [Fact]
    public async Task Exported_families_types_and_labels_are_the_documented_ones()
    {
        await using var admin = await AdminHarness.StartAsync();
        await EverySeries.ProduceAsync(admin);
        var text = await admin.Http.GetStringAsync("/metrics");
        var samples = PrometheusText.Parse(text);
        var table = Table();

        var exported = TypeLine().Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        foreach (var (family, type) in exported)
        {
            Assert.True(table.TryGetValue(family, out var documented), $"{family} is exported but not in the table of docs/OPERATIONS.md");
            Assert.Equal(documented!.Type, type);
        }
        foreach (var sample in samples)
        {
            var family = exported.ContainsKey(sample.Name) ? sample.Name : sample.Name[..sample.Name.LastIndexOf('_')];
            var labels = LabelPair().Matches(sample.Labels).Select(m => m.Groups[1].Value).Where(l => l != "le").ToHashSet();
            Assert.True(labels.SetEquals(table[family].Labels),
                $"{sample.Name}{{{sample.Labels}}}: labels [{string.Join(",", labels)}], documented [{string.Join(",", table[family].Labels)}]");
        }

        // Gauges are read at every scrape and the traffic above records every histogram and these counters.
        var expected = table.Where(t => t.Value.Type != "counter").Select(t => t.Key).Concat([
            "mailcluster_messages_accepted_total", "mailcluster_commands_refused_total", "mailcluster_deliveries_total",
            "mailcluster_queue_notices_total"]);
        foreach (var family in expected) Assert.True(exported.ContainsKey(family), $"{family} is documented but not exported");

        // The documented buckets, 1 ms to 30 s, rather than the SDK's default ones (0 to 10000, for milliseconds).
        var bounds = samples.Where(s => s.Name == "mailcluster_accept_latency_seconds_bucket").Select(s => s.Labels).ToList();
        Assert.Equal(["le=\"0.001\"", "le=\"30\"", "le=\"+Inf\""], [bounds[0], bounds[^2], bounds[^1]]);
    }

    [Fact]
    public async Task An_OpenMetrics_scrape_has_the_same_sample_names()
    {
        await using var admin = await AdminHarness.StartAsync();
        await admin.SendAsync("o@relay.test");
        var plain = (await MetricsEndpointTests.ScrapeAsync(admin)).Select(s => s.Name).ToHashSet();

        // What Prometheus itself sends: it prefers OpenMetrics, where a counter's family drops _total but its samples keep it.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.1");
        var response = await admin.Http.SendAsync(request);
        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        var open = lines.Where(l => l.StartsWith("mailcluster_", StringComparison.Ordinal))
            .Select(l => l[..l.IndexOfAny([' ', '{'])]).Where(n => !n.EndsWith("_created", StringComparison.Ordinal)).ToHashSet();
        Assert.True(plain.SetEquals(open), $"only in text: {string.Join(", ", plain.Except(open))}; only in OpenMetrics: {string.Join(", ", open.Except(plain))}");
        Assert.Equal("# EOF", lines.Last(l => l.Length > 0));
    }
}
