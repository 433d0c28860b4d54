using System.Diagnostics.Metrics;
using System.Text;

namespace MailCluster.Cluster.Metrics;

/// <summary>
/// Renders the "MailCluster" meter in the Prometheus text format (0.0.4). A MeterListener keeps running totals per
/// instrument and label set. Written here rather than taken from prometheus-net, whose meter adapter exports
/// counters as gauges and prefixes every name with the meter's.
/// </summary>
public static class PrometheusExport
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    private static readonly MetricStore Store = new(Buckets);
    private static readonly Lazy<MeterListener> Listener = new(StartListener);

    /// <summary>Starts listening now: measurements made before the listener exists are not counted.</summary>
    public static void Start()
    {
        _ = Listener.Value;
        MailClusterMetrics.EnsureCreated();
    }

    public static async Task WriteAsync(Stream output, CancellationToken ct)
    {
        Start();
        var text = Store.Observe(Listener.Value.RecordObservableInstruments);
        await output.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
    }

    private static MeterListener StartListener()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MailClusterMetrics.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Store.Record(i, value, tags));
        listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Store.Record(i, value, tags));
        listener.Start();
        return listener;
    }
}
