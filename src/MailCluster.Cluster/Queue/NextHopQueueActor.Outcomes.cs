using MailCluster.Cluster.Metrics;
using Akka.Actor;
using Akka.Event;
using MailCluster.Cluster.Bounce;
using MailCluster.Cluster.Logging;
using MailCluster.Core.Bounce;
using MailCluster.Core.Delivery;
using MailCluster.Core.Queue;
using static MailCluster.Cluster.Delivery.DeliveryProtocol;

namespace MailCluster.Cluster.Queue;

/// <summary>Turning delivery results into journaled facts: delivered, deferred with backoff, failed, expired, bounced.</summary>
public sealed partial class NextHopQueueActor
{
    private void Record(DeliveryReport report)
    {
        var now = Now;
        var events = new List<IQueueEvent>();
        if (_state.Find(report.QueueId) is { } message)
        {
            var known = report.Results.Where(r => message.Recipients.TryGetValue(r.Recipient, out var p) && p.Pending).ToList();
            var delivered = known.Where(r => r.Status == DeliveryStatus.Delivered).Select(r => r.Recipient).ToList();
            if (delivered.Count > 0)
            {
                // Retiring the rows is the durable record of a delivery; the journal need not hear of it.
                _state.Apply(new RecipientsDelivered(report.QueueId, delivered, now));
                Retire(report.QueueId, delivered);
            }

            var failed = known.Where(r => r.Status == DeliveryStatus.Failed)
                .Select(r => new FailedRecipient(r.Recipient, r.EnhancedStatus, r.Diagnostic, r.RemoteMta)).ToList();
            if (failed.Count > 0) events.Add(new RecipientsFailed(report.QueueId, failed, Expired: false, now));

            var expired = new List<FailedRecipient>();
            var retryAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var group in known.Where(r => r.Status == DeliveryStatus.Deferred)
                         .GroupBy(r => RetrySchedule.Next(_policy.Retry, message.ArrivedAt, message.Recipients[r.Recipient].Attempts + 1, now)))
            {
                if (group.Key is { } next)
                {
                    events.Add(new RecipientsDeferred(report.QueueId, group.Select(r => r.Recipient).ToList(),
                        group.First().Diagnostic, next, now));
                    foreach (var r in group) retryAt[r.Recipient] = next;
                }
                else
                    expired.AddRange(group.Select(r => new FailedRecipient(r.Recipient, "4.4.7",
                        $"{r.Diagnostic} (delivery time expired)", r.RemoteMta)));
            }
            if (expired.Count > 0) events.Add(new RecipientsFailed(report.QueueId, expired, Expired: true, now));
            MailClusterMetrics.DeliveryOutcomes(delivered.Count, known.Count - delivered.Count - failed.Count - expired.Count, failed.Count + expired.Count);
            LogOutcomes(message, known, retryAt, now);
        }

        if (events.Count == 0)
        {
            _inFlight.Remove(report.QueueId);
            return;
        }
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var last = i == events.Count - 1;
            Write(e, () =>
            {
                if (last) _inFlight.Remove(report.QueueId);
            });
        }
    }

    /// <summary>One mail-log line per recipient, as Postfix's "status=" lines: delivered, deferred, bounced or expired.</summary>
    private void LogOutcomes(QueuedMessage message, IEnumerable<RecipientResult> results, Dictionary<string, DateTimeOffset> retryAt,
        DateTimeOffset now)
    {
        foreach (var r in results)
        {
            var (name, text) = r.Status switch
            {
                DeliveryStatus.Delivered => (MailEvents.Delivered, "status"),
                DeliveryStatus.Failed => (MailEvents.Bounced, "reason"),
                _ when retryAt.ContainsKey(r.Recipient) => (MailEvents.Deferred, "reason"),
                _ => (MailEvents.Expired, "reason"),
            };
            _mailLog.Info(name, ("queue_id", message.QueueId), ("to", r.Recipient), ("relay", r.RemoteMta ?? _hop),
                ("delay", now - message.ArrivedAt), ("dsn", r.EnhancedStatus), (text, r.Diagnostic),
                ("retry_at", retryAt.TryGetValue(r.Recipient, out var at) ? (object)at : null));
        }
    }

    /// <summary>Entries past their lifetime fail even if the destination was never tried again (it may be paused as dead).</summary>
    private void ExpireOverdue(DateTimeOffset now)
    {
        foreach (var m in _state.Messages.Where(m => !_inFlight.Contains(m.QueueId) && now >= m.ArrivedAt + _policy.Retry.MaximumLifetime).ToList())
        {
            var overdue = m.Recipients.Values.Where(r => r.Pending)
                .Select(r => new FailedRecipient(r.Recipient, "4.4.7",
                    $"{r.LastError ?? "x-local; not delivered"} (delivery time expired)", null)).ToList();
            if (overdue.Count == 0) continue;
            foreach (var r in overdue)
                _mailLog.Info(MailEvents.Expired, ("queue_id", m.QueueId), ("to", r.Recipient), ("relay", _hop),
                    ("delay", now - m.ArrivedAt), ("dsn", r.Status), ("reason", r.Diagnostic));
            _inFlight.Add(m.QueueId);
            Write(new RecipientsFailed(m.QueueId, overdue, Expired: true, now), () => _inFlight.Remove(m.QueueId));
        }
    }

    private void StartPendingBounces()
    {
        foreach (var m in _state.AwaitingBounce().ToList())
        {
            if (_bouncing.Contains(m.QueueId) || _inFlight.Contains(m.QueueId)) continue;
            var failed = m.Recipients.Values.Where(r => !r.Pending).ToList();
            var recipients = failed.Select(r => r.Recipient).ToList();
            _bouncing.Add(m.QueueId);
            var bounceTo = DsnPolicy.ShouldBounce(m.Sender) ? m.Sender : DoubleBounceRecipientFor(m.QueueId);
            if (bounceTo is null)
            {
                var reason = BounceIds.IsDoubleBounceNotice(m.QueueId) ? "undeliverable double-bounce notice" : "null sender";
                _mailLog.Info(MailEvents.DsnSkipped, ("queue_id", m.QueueId), ("nrcpt", recipients.Count), ("reason", reason));
                Write(new BounceQueued(m.QueueId, recipients, null), () => AfterBounce(m.QueueId, recipients));
                continue;
            }
            var doubleBounce = bounceTo != m.Sender;
            var bounceId = BounceIds.For(m.QueueId, _hop, recipients, doubleBounce ? BounceIds.DoubleBounce : "B");
            var request = new BounceProtocol.CreateBounce(bounceId, m.QueueId, bounceTo, m.ArrivedAt,
                failed.Select(r => new BounceProtocol.BounceRecipient(r.Recipient, r.OriginalRecipient, r.Failure!.Status,
                    r.Failure.Diagnostic, r.Failure.RemoteMta, Now)).ToList(), DelayWarning: false, RetryUntil: null, doubleBounce);
            AskBounce(m.QueueId, m.QueueId, request, recipients);
        }
    }

    /// <summary>
    /// Where a failed notification (mail from &lt;&gt;) is reported: the postmaster, once. A double-bounce notice that
    /// fails itself is dropped (null), so two broken systems never mail each other in a loop.
    /// </summary>
    private string? DoubleBounceRecipientFor(string queueId) =>
        BounceIds.IsDoubleBounceNotice(queueId) ? null : _services.Settings.DoubleBounceRecipient;

    /// <summary>Optional "delayed mail" notice, once per recipient, after delay-warning-after.</summary>
    private void StartDelayWarnings(DateTimeOffset now)
    {
        if (_policy.Retry.DelayWarningAfter is not { } after) return;
        foreach (var m in _state.Messages.Where(m => DsnPolicy.ShouldBounce(m.Sender) && now - m.ArrivedAt >= after).ToList())
        {
            var key = m.QueueId + "/W";
            if (_bouncing.Contains(key)) continue;
            var late = m.Recipients.Values.Where(r => r.Pending && r.Attempts > 0 && !r.DelayWarned).ToList();
            if (late.Count == 0) continue;
            var recipients = late.Select(r => r.Recipient).ToList();
            _bouncing.Add(key);
            var request = new BounceProtocol.CreateBounce(BounceIds.For(m.QueueId, _hop, recipients, "W"), m.QueueId, m.Sender,
                m.ArrivedAt, late.Select(r => new BounceProtocol.BounceRecipient(r.Recipient, r.OriginalRecipient, "4.0.0",
                    r.LastError ?? "", null, now)).ToList(), DelayWarning: true, m.ArrivedAt + _policy.Retry.MaximumLifetime);
            AskBounce(key, m.QueueId, request, recipients);
        }
    }

    private void AskBounce(string key, string queueId, BounceProtocol.CreateBounce request, IReadOnlyList<string> recipients)
    {
        _services.Bounces.Ask<BounceProtocol.BounceCreated>(request, _services.Settings.EnqueueTimeout)
            .PipeTo(Self,
                success: created => new BounceDone(queueId, recipients, created.BounceQueueId, request.DelayWarning),
                failure: ex => new BounceNotDone(key, ex.Message));
    }

    private void OnBounceDone(BounceDone done)
    {
        if (done.DelayWarning)
        {
            Write(new DelayWarningQueued(done.QueueId, done.Recipients), () => _bouncing.Remove(done.QueueId + "/W"));
            return;
        }
        Write(new BounceQueued(done.QueueId, done.Recipients, done.BounceQueueId), () => AfterBounce(done.QueueId, done.Recipients));
    }

    private void AfterBounce(string queueId, IReadOnlyList<string> recipients)
    {
        _bouncing.Remove(queueId);
        Retire(queueId, recipients);
    }
}
