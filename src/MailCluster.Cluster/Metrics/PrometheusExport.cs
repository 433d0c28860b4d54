using Prometheus;

namespace MailCluster.Cluster.Metrics;

/// <summary>
/// Renders the Prometheus text format with prometheus-net, whose meter adapter mirrors the "MailCluster" meter into its
/// default registry. Configured once, before the registry is first used (the adapter starts with it).
/// </summary>
public static class PrometheusExport
{
    private static readonly Lazy<CollectorRegistry> Registry = new(() =>
    {
        // EventCounters add a second copy of the runtime's numbers and cost a polling thread; process metrics stay.
        Prometheus.Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true, SuppressDebugMetrics = true });
        Prometheus.Metrics.ConfigureMeterAdapter(o =>
        {
            // Only ours: ASP.NET Core's own meters would describe the admin API, not the mail system.
            o.InstrumentFilterPredicate = i => i.Meter.Name == MailClusterMetrics.MeterName;
            o.ResolveHistogramBuckets = _ => [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
        });
        return Prometheus.Metrics.DefaultRegistry;
    });

    /// <summary>Starts the meter adapter now: measurements made before it listens are not counted.</summary>
    public static void Start() => _ = Registry.Value;

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static Task WriteAsync(Stream output, CancellationToken ct) => Registry.Value.CollectAndExportAsTextAsync(output, ct);
}
