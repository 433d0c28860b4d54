using System.Diagnostics.Metrics;
using MailCluster.Cluster.Metrics;

namespace MailCluster.Cluster.Admin.Dashboard;

/// <summary>GET /api/stats: cumulative counters since the node started; the page turns successive polls into rates.</summary>
/// <param name="HostName">This node's mail hostname: the counters are this node's (this process's), not the cluster's.</param>
public sealed record StatsView(string HostName, DateTimeOffset At, long Accepted, long Delivered, long Deferred, long Bounced);

/// <summary>
/// Running totals of the "MailCluster" meter's message counters, kept by a MeterListener of our own: the OpenTelemetry
/// SDK behind /metrics keeps its aggregates to its exporter, and parsing /metrics text back would be roundabout. Process-wide like the
/// meter, so in-process test nodes share them.
/// </summary>
internal static class DashboardStats
{
    // The instrument names of MailClusterMetrics; a rename there shows up as a dashboard test failure.
    private const string AcceptedInstrument = "mailcluster_messages_accepted";
    private const string DeliveriesInstrument = "mailcluster_deliveries";

    private static long _accepted, _delivered, _deferred, _bounced;
    private static readonly Lazy<MeterListener> Listener = new(StartListener);

    /// <summary>Starts counting now: measurements made before are not seen.</summary>
    public static void Start() => _ = Listener.Value;

    public static StatsView Read(string hostName) => new(hostName, DateTimeOffset.UtcNow,
        Interlocked.Read(ref _accepted), Interlocked.Read(ref _delivered), Interlocked.Read(ref _deferred), Interlocked.Read(ref _bounced));

    private static MeterListener StartListener()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MailClusterMetrics.MeterName && instrument.Name is AcceptedInstrument or DeliveriesInstrument)
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == AcceptedInstrument)
            {
                Interlocked.Add(ref _accepted, value);
                return;
            }
            switch (Outcome(tags))
            {
                case "delivered": Interlocked.Add(ref _delivered, value); break;
                case "deferred": Interlocked.Add(ref _deferred, value); break;
                case "bounced": Interlocked.Add(ref _bounced, value); break;
            }
        });
        listener.Start();
        return listener;
    }

    private static string? Outcome(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
            if (tag.Key == "outcome") return tag.Value as string;
        return null;
    }
}
