using System.Text.Json;
using System.Text.RegularExpressions;
using MailCluster.Protocol.Tests.Admin;

namespace MailCluster.Protocol.Tests.Metrics;

/// <summary>The shipped Grafana dashboard and Prometheus config only name metrics a real node exports.</summary>
[Collection(MetricsCollection.Name)]
public sealed partial class DashboardTests
{
    [GeneratedRegex(@"\bmailcluster_[a-z0-9_]+")]
    private static partial Regex MetricName();

    internal static string RepoFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MailCluster.sln"))) return Path.Combine([dir.FullName, .. parts]);
        throw new InvalidOperationException("repository root (MailCluster.sln) not found");
    }

    private static IEnumerable<string> Expressions(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    if (p.Name == "expr" && p.Value.ValueKind == JsonValueKind.String) yield return p.Value.GetString()!;
                    else foreach (var e in Expressions(p.Value)) yield return e;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    foreach (var e in Expressions(item)) yield return e;
                break;
        }
    }

    [Fact]
    public async Task Every_dashboard_query_names_only_metrics_the_node_exports()
    {
        await using var admin = await AdminHarness.StartAsync();
        await EverySeries.ProduceAsync(admin);
        var exported = (await MetricsEndpointTests.ScrapeAsync(admin)).Select(s => s.Name).ToHashSet();

        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(RepoFile("ops", "grafana", "mailcluster-dashboard.json")));
        var expressions = Expressions(dashboard.RootElement).ToList();
        Assert.True(expressions.Count >= 8, $"only {expressions.Count} queries in the dashboard");
        foreach (var expr in expressions)
        {
            var names = MetricName().Matches(expr).Select(m => m.Value).ToList();
            Assert.True(names.Count > 0, $"query names no mailcluster metric: {expr}");
            foreach (var name in names)
                Assert.True(exported.Contains(name), $"'{name}' in \"{expr}\" is not exported; /metrics has: {string.Join(", ", exported.Order())}");
        }
    }

    [Fact]
    public void Prometheus_config_scrapes_the_three_local_admin_ports_and_shows_kubernetes_discovery()
    {
        var config = File.ReadAllText(RepoFile("ops", "prometheus", "prometheus.yml"));
        foreach (var port in new[] { "8025", "8026", "8027" }) Assert.Contains($"127.0.0.1:{port}", config);
        Assert.Contains("kubernetes_sd_configs", config);
        Assert.Contains("metrics_path: /metrics", config);
    }
}
