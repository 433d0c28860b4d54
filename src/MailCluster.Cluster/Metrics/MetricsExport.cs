using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace MailCluster.Cluster.Metrics;

/// <summary>
/// The process's one OpenTelemetry MeterProvider over the "MailCluster" meter; its Prometheus exporter serves /metrics.
/// Process-wide like the meter and its instruments: in-process nodes (tests) add to the same counters whichever admin
/// server is scraped. A provider per admin server would export those same shared measurements, only counted from
/// that server's start, and would make a node's counters restart when its admin server does.
/// </summary>
public static class MetricsExport
{
    private static readonly Lazy<MeterProvider> Provider = new(Build);

    /// <summary>Starts aggregating now (measurements made before are not counted) and returns the provider.</summary>
    public static MeterProvider Start()
    {
        MailClusterMetrics.EnsureCreated();
        return Provider.Value;
    }

    private static MeterProvider Build() =>
        Sdk.CreateMeterProviderBuilder()
            .AddMeter(MailClusterMetrics.MeterName)
            .AddPrometheusExporter(o =>
            {
                // A scrape right after some traffic must show it (tests, an operator's curl): no 300 ms cached answer.
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                // The series of the documented names and labels only: no otel_scope_name/otel_scope_version label on
                // every series and no target_info family (the SDK's name and version; Prometheus adds job and instance).
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
            })
            .Build();
}
