using System.Diagnostics.Metrics;
using MailCluster.Core.Policy;

namespace MailCluster.Cluster.Metrics;

/// <summary>
/// The node's instruments (System.Diagnostics.Metrics), exported at the admin API's /metrics. Static because a meter
/// is process-wide: several in-process nodes (tests) add to the same counters, which only ever go up.
/// </summary>
public static class MailClusterMetrics
{
    public const string MeterName = "MailCluster";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> Accepted = Meter.CreateCounter<long>(
        "mailcluster_messages_accepted", "messages", "Messages accepted (250 after DATA/BDAT).");

    private static readonly Counter<long> Refused = Meter.CreateCounter<long>(
        "mailcluster_commands_refused", "commands", "MAIL FROM / RCPT TO refused by policy, by verdict (reject/defer) and rule.");

    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(
        "mailcluster_deliveries", "recipients", "Delivery outcomes per recipient: delivered, deferred, bounced.");

    private static readonly UpDownCounter<long> Sessions = Meter.CreateUpDownCounter<long>(
        "mailcluster_smtp_sessions_active", "sessions", "SMTP sessions open now.");

    private static readonly Histogram<double> AcceptLatency = Meter.CreateHistogram<double>(
        "mailcluster_accept_latency_seconds", "s", "End of DATA to the durable 250: spool fsync plus queue journaling.");

    public static void MessageAccepted(TimeSpan latency)
    {
        Accepted.Add(1);
        AcceptLatency.Record(latency.TotalSeconds);
    }

    public static void CommandRefused(PolicyVerdict verdict) =>
        Refused.Add(1, new("verdict", verdict is Defer ? "defer" : "reject"), new("rule", verdict.Rule));

    public static void DeliveryOutcomes(int delivered, int deferred, int bounced)
    {
        if (delivered > 0) Deliveries.Add(delivered, new KeyValuePair<string, object?>("outcome", "delivered"));
        if (deferred > 0) Deliveries.Add(deferred, new KeyValuePair<string, object?>("outcome", "deferred"));
        if (bounced > 0) Deliveries.Add(bounced, new KeyValuePair<string, object?>("outcome", "bounced"));
    }

    public static void SessionOpened() => Sessions.Add(1);

    public static void SessionClosed() => Sessions.Add(-1);
}
