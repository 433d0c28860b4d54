using Akka.Actor;
using Akka.Event;
using MailCluster.Core.Delivery;
using MailCluster.Core.Spool;
using static MailCluster.Cluster.Delivery.DeliveryProtocol;

namespace MailCluster.Cluster.Delivery;

/// <summary>
/// One connection's worth of work for a next-hop queue: opens a transport, then delivers job after job over it
/// (one SMTP connection carries several messages) until the queue says there is no more work or the connection breaks.
/// </summary>
public sealed class DeliveryWorkerActor : ReceiveActor
{
    private readonly string _hopKey;
    private readonly IDeliveryTransportFactory _transports;
    private readonly IMessageSpool _spool;
    private readonly TimeSpan _jobTimeout;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IDeliveryTransport? _transport;

    public DeliveryWorkerActor(string hopKey, IDeliveryTransportFactory transports, IMessageSpool spool, TimeSpan jobTimeout)
    {
        _hopKey = hopKey;
        _transports = transports;
        _spool = spool;
        _jobTimeout = jobTimeout;
        ReceiveAsync<DeliveryJob>(RunAsync);
        Receive<NoMoreWork>(_ => Context.Stop(Self));
    }

    public static Props Props(string hopKey, IDeliveryTransportFactory transports, IMessageSpool spool, TimeSpan jobTimeout) =>
        Akka.Actor.Props.Create(() => new DeliveryWorkerActor(hopKey, transports, spool, jobTimeout));

    private async Task RunAsync(DeliveryJob job)
    {
        var queue = Sender;
        using var timeout = new CancellationTokenSource(_jobTimeout);
        using var span = Tracing.MailTracing.StartDetached("mailcluster.delivery.attempt", System.Diagnostics.ActivityKind.Client, job.Trace);
        span?.SetTag("mailcluster.queue_id", job.QueueId);
        span?.SetTag("mailcluster.next_hop", _hopKey);
        span?.SetTag("mailcluster.recipients", job.Recipients.Count);
        var report = await DeliverAsync(job, timeout.Token);
        if (span is not null)
        {
            foreach (var outcome in report.Results.GroupBy(r => r.Status)) span.SetTag($"mailcluster.{outcome.Key.ToString().ToLowerInvariant()}", outcome.Count());
            if (report.ConnectionFailed) span.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "destination not reachable");
        }
        queue.Tell(report);
        if (report.WorkerStopping) Context.Stop(Self);
    }

    private async Task<DeliveryReport> DeliverAsync(DeliveryJob job, CancellationToken ct)
    {
        SpooledMessage? message;
        try
        {
            message = await _spool.LoadAsync(job.QueueId, ct);
        }
        catch (Exception ex)
        {
            return AllRecipients(job, DeliveryStatus.Deferred, "4.3.0", $"x-local; spool unavailable: {ex.Message}", connectionFailed: false);
        }
        if (message is null)
            return AllRecipients(job, DeliveryStatus.Failed, "5.3.0", "x-local; message content missing from the spool", connectionFailed: false);

        if (_transport is not null && !await _transport.ProbeAsync(ct))
        {
            await _transport.DisposeAsync();
            _transport = null;
        }
        if (_transport is null)
        {
            try
            {
                var (transport, failure) = await _transports.OpenAsync(_hopKey, ct);
                if (failure is not null)
                    return AllRecipients(job, failure.Status, failure.EnhancedStatus, failure.Diagnostic, connectionFailed: true, failure.RemoteMta);
                _transport = transport;
            }
            catch (Exception ex)
            {
                return AllRecipients(job, DeliveryStatus.Deferred, "4.4.1", $"x-local; cannot open {_hopKey}: {ex.Message}", connectionFailed: true);
            }
        }

        try
        {
            var outbound = new OutboundMessage(job.QueueId, job.Sender, job.Recipients, message.Content, RequiresSmtpUtf8(job, message));
            var results = await _transport!.DeliverAsync(outbound, ct);
            return new DeliveryReport(job.QueueId, results, ConnectionFailed: false, WorkerStopping: !_transport.IsUsable);
        }
        catch (Exception ex)
        {
            _log.Warning("{0}: delivery via {1} interrupted: {2}", job.QueueId, _hopKey, ex.Message);
            return AllRecipients(job, DeliveryStatus.Deferred, "4.4.2", $"x-local; delivery via {_hopKey} interrupted: {ex.Message}", connectionFailed: false);
        }
    }

    private static bool RequiresSmtpUtf8(DeliveryJob job, SpooledMessage message) =>
        !IsAscii(job.Sender) || job.Recipients.Any(r => !IsAscii(r));

    private static bool IsAscii(string s) => s.All(c => c < 128);

    private static DeliveryReport AllRecipients(DeliveryJob job, DeliveryStatus status, string enhanced, string diagnostic,
        bool connectionFailed, string? remoteMta = null) =>
        new(job.QueueId, job.Recipients.Select(r => new RecipientResult(r, status, enhanced, diagnostic, remoteMta)).ToList(),
            connectionFailed, WorkerStopping: true);

    protected override void PostStop()
    {
        // Fire and forget: QUIT may take a moment and the queue does not need to wait for it.
        if (_transport is { } t) _ = t.DisposeAsync().AsTask();
    }
}
