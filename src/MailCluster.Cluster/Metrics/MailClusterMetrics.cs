using System.Diagnostics.Metrics;
using MailCluster.Core.Policy;

namespace MailCluster.Cluster.Metrics;

/// <summary>
/// The node's instruments (System.Diagnostics.Metrics), exported at the admin API's /metrics by <see cref="MetricsExport"/>.
/// Static because a meter is process-wide: several in-process nodes (tests) add to the same counters, which only ever go up.
/// Units of counted things are UCUM annotations in braces ("{message}"): the Prometheus exporter appends a plain unit
/// to the name ("messages" would make mailcluster_messages_accepted_messages_total) but leaves annotations out.
/// </summary>
public static class MailClusterMetrics
{
    public const string MeterName = "MailCluster";

    private static readonly Meter Meter = new(MeterName, "1.0");

    /// <summary>Latency buckets from 1 ms to 30 s: the OpenTelemetry SDK's default ones (0 to 10000) suit milliseconds, not seconds.</summary>
    private static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    };

    private static readonly Counter<long> Accepted = Meter.CreateCounter<long>(
        "mailcluster_messages_accepted", "{message}", "Messages accepted (250 after DATA/BDAT).");

    private static readonly Counter<long> QueueNotices = Meter.CreateCounter<long>(
        "mailcluster_queue_notices", "{notice}",
        "Accepted messages' notices to their queue entities, by locality: local (same node, no remoting) or remote.");

    private static readonly Counter<long> Refused = Meter.CreateCounter<long>(
        "mailcluster_commands_refused", "{command}", "MAIL FROM / RCPT TO refused by policy, by verdict (reject/defer) and rule.");

    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(
        "mailcluster_deliveries", "{recipient}", "Delivery outcomes per recipient: delivered, deferred, bounced.");

    private static readonly UpDownCounter<long> Sessions = Meter.CreateUpDownCounter<long>(
        "mailcluster_smtp_sessions_active", "{session}", "SMTP sessions open now.");

    private static readonly UpDownCounter<long> PendingWrites = Meter.CreateUpDownCounter<long>(
        "mailcluster_storage_pending_writes", "{message}", "Accepted bodies whose durable write (the spool commit) is in progress.");

    private static readonly Counter<long> BusyRefusals = Meter.CreateCounter<long>(
        "mailcluster_storage_busy_refusals", "{refusal}",
        "Mail turned away because storage.max-pending-writes was reached, by stage: connect (421 4.3.2) or data (451 4.3.0).");

    private static readonly Counter<long> DkimSigning = Meter.CreateCounter<long>(
        "mailcluster_dkim_signing", "{message}",
        "Messages from our own clients by outbound DKIM signing result: dkim-signed, dkim-skip-no-key, dkim-skip-no-from-domain, dkim-sign-failed.");

    private static readonly Counter<long> SenderAuthResults = Meter.CreateCounter<long>(
        "mailcluster_sender_auth_results", "{result}",
        "Results of the checks on mail from clients not ours, by method (dkim per signature, spf for MAIL FROM, dmarc) and result.");

    private static readonly Counter<long> PasswordChecks = Meter.CreateCounter<long>(
        "mailcluster_auth_password_checks", "{check}", "Password hashes computed for AUTH (about 60 ms of CPU each).");

    private static readonly Counter<long> AuthLockouts = Meter.CreateCounter<long>(
        "mailcluster_auth_lockouts", "{lockout}", "Client IPs or logins locked out after too many failed AUTH attempts, by scope (ip, login).");

    private static readonly Counter<long> AuthLockedRefusals = Meter.CreateCounter<long>(
        "mailcluster_auth_locked_refusals", "{attempt}", "AUTH attempts refused with 454 4.7.0 during a lockout, without a password check, by scope (ip, login).");

    private static readonly Counter<long> AuthBusyRefusals = Meter.CreateCounter<long>(
        "mailcluster_auth_busy_refusals", "{attempt}", "AUTH attempts refused with 454 4.7.0 because auth.password-checks was saturated.");

    private static readonly Histogram<double> AcceptLatency = Meter.CreateHistogram<double>(
        "mailcluster_accept_latency_seconds", "s", "End of DATA to the durable 250: the spool commit plus the queue's in-memory acknowledgement.",
        tags: null, advice: LatencyBuckets);

    private static readonly Histogram<double> JournalWriteLatency = Meter.CreateHistogram<double>(
        "mailcluster_journal_write_seconds", "s", "One group-commit write of a next-hop queue's events to the journal (PersistAll to stored).",
        tags: null, advice: LatencyBuckets);

    private static readonly Histogram<double> SpoolWriteLatency = Meter.CreateHistogram<double>(
        "mailcluster_spool_write_seconds", "s", "One spool write, by operation: store (body and recipients on accept) or complete (retire recipients).",
        tags: null, advice: LatencyBuckets);

    // Observable gauges are read at scrape time from what the queue and cluster actors last reported.
    private static readonly ObservableGauge<long> QueueMessages = Meter.CreateObservableGauge(
        "mailcluster_queue_messages", () => QueueGauges.ByTransport(DateTimeOffset.UtcNow)
            .Select(t => new Measurement<long>(t.Messages, new KeyValuePair<string, object?>("transport", t.Transport))),
        "{message}", "Messages in the next-hop queues hosted on this node, by transport (held and deferred included).");

    private static readonly ObservableGauge<long> QueueRecipients = Meter.CreateObservableGauge(
        "mailcluster_queue_recipients", () => QueueGauges.ByTransport(DateTimeOffset.UtcNow)
            .Select(t => new Measurement<long>(t.Recipients, new KeyValuePair<string, object?>("transport", t.Transport))),
        "{recipient}", "Recipients not yet delivered or bounced in the next-hop queues hosted on this node, by transport.");

    private static readonly ObservableGauge<double> QueueOldestAge = Meter.CreateObservableGauge(
        "mailcluster_queue_oldest_age_seconds", () => QueueGauges.ByTransport(DateTimeOffset.UtcNow)
            .Select(t => new Measurement<double>(t.OldestAgeSeconds, new KeyValuePair<string, object?>("transport", t.Transport))),
        "s", "Age of the oldest message in this node's next-hop queues, by transport (0 when empty).");

    private static readonly ObservableGauge<long> ClusterMembers = Meter.CreateObservableGauge(
        "mailcluster_cluster_members", () => ClusterGauges.Members()
            .Select(m => new Measurement<long>(m.Count, new KeyValuePair<string, object?>("status", m.Status))),
        "{member}", "Cluster members by status, as this node sees them (refreshed every 5 s).");

    private static readonly ObservableGauge<long> ClusterUnreachable = Meter.CreateObservableGauge(
        "mailcluster_cluster_unreachable_members", () => (long)ClusterGauges.Unreachable(),
        "{member}", "Members this node's failure detector marks unreachable (refreshed every 5 s).");

    private static readonly ObservableGauge<long> QueueShards = Meter.CreateObservableGauge(
        "mailcluster_queue_shards", () => (long)ClusterGauges.QueueShards(),
        "{shard}", "Next-hop queue shards hosted on this node (refreshed every 5 s).");

    /// <summary>Creates the instruments now (the type's static fields), so a scrape before any traffic lists them all.</summary>
    public static void EnsureCreated() => _ = Meter.Name;

    public static void JournalWritten(TimeSpan latency) => JournalWriteLatency.Record(latency.TotalSeconds);

    public static void SpoolWritten(string operation, TimeSpan latency) =>
        SpoolWriteLatency.Record(latency.TotalSeconds, new KeyValuePair<string, object?>("operation", operation));

    public static void QueueNotice(bool local) =>
        QueueNotices.Add(1, new KeyValuePair<string, object?>("locality", local ? "local" : "remote"));

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

    public static void PendingWriteStarted() => PendingWrites.Add(1);

    public static void PendingWriteEnded() => PendingWrites.Add(-1);

    public static void StorageBusy(string stage) => BusyRefusals.Add(1, new KeyValuePair<string, object?>("stage", stage));

    public static void DkimSigned(string rule) => DkimSigning.Add(1, new KeyValuePair<string, object?>("result", rule));

    public static void SenderAuthResult(string method, string result) =>
        SenderAuthResults.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("result", result));

    public static void PasswordChecked() => PasswordChecks.Add(1);

    public static void AuthLockout(string scope) => AuthLockouts.Add(1, new KeyValuePair<string, object?>("scope", scope));

    public static void AuthRefusedWhileLocked(string scope) => AuthLockedRefusals.Add(1, new KeyValuePair<string, object?>("scope", scope));

    public static void AuthRefusedBusy() => AuthBusyRefusals.Add(1);

    public static void SessionOpened() => Sessions.Add(1);

    public static void SessionClosed() => Sessions.Add(-1);
}
