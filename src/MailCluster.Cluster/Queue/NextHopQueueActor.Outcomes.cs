using MailCluster.Cluster.Metrics;
using Akka.Actor;
using Akka.Event;
using MailCluster.Cluster.Bounce;
using MailCluster.Cluster.Logging;
using MailCluster.Core.Bounce;
using MailCluster.Core.Delivery;
using MailCluster.Core.Queue;
using MailCluster.Cluster.Queue.Decisions;
using static MailCluster.Cluster.Delivery.DeliveryProtocol;

namespace MailCluster.Cluster.Queue;

/// <summary>Turning delivery results into journaled facts: delivered, deferred with backoff, failed, expired, bounced.</summary>
public sealed partial class NextHopQueueActor
{
    /// <summary>
    /// The decision is <see cref="DeliveryOutcomes.OnReport"/>'s; here it is carried out: delivered recipients retire
    /// their rows, the rest is journaled, and the message is free for another attempt once that is stored.
    /// </summary>
    private void Record(DeliveryReport report)
    {
        var now = Now;
        var message = _state.Find(report.QueueId);
        var decision = message is null ? ReportDecision.Nothing : DeliveryOutcomes.OnReport(message, report.Results, _policy.Retry, now);
        if (message is not null && decision.Recipients.Count > 0)
        {
            MailClusterMetrics.DeliveryOutcomes(decision.Count(RecipientOutcome.Delivered), decision.Count(RecipientOutcome.Deferred),
                decision.Count(RecipientOutcome.Bounced) + decision.Count(RecipientOutcome.Expired));
            LogOutcomes(message, decision.Recipients, now);
        }
        if (decision.Delivered.Count > 0)
        {
            // Retiring the rows is the durable record of a delivery; the journal need not hear of it.
            _state.Apply(new RecipientsDelivered(report.QueueId, decision.Delivered, now));
            Retire(report.QueueId, decision.Delivered);
        }
        if (decision.Events.Count == 0)
        {
            _inFlight.Remove(report.QueueId);
            return;
        }
        for (var i = 0; i < decision.Events.Count; i++)
        {
            var last = i == decision.Events.Count - 1;
            Write(decision.Events[i], () =>
            {
                if (last) _inFlight.Remove(report.QueueId);
            });
        }
    }

    /// <summary>One mail-log line per recipient, as Postfix's "status=" lines: delivered, deferred, bounced or expired.</summary>
    private void LogOutcomes(QueuedMessage message, IEnumerable<DecidedRecipient> decided, DateTimeOffset now)
    {
        foreach (var (r, outcome, retryAt) in decided)
        {
            var (name, text) = outcome switch
            {
                RecipientOutcome.Delivered => (MailEvents.Delivered, "status"),
                RecipientOutcome.Bounced => (MailEvents.Bounced, "reason"),
                RecipientOutcome.Deferred => (MailEvents.Deferred, "reason"),
                _ => (MailEvents.Expired, "reason"),
            };
            _mailLog.Info(name, ("queue_id", message.QueueId), ("to", r.Recipient), ("relay", r.RemoteMta ?? _hop),
                ("delay", now - message.ArrivedAt), ("dsn", r.EnhancedStatus), (text, r.Diagnostic), ("retry_at", retryAt));
        }
    }

    /// <summary>Entries past their lifetime fail (<see cref="DeliveryOutcomes.Overdue"/>) and are bounced.</summary>
    private void ExpireOverdue(DateTimeOffset now)
    {
        foreach (var failed in DeliveryOutcomes.Overdue(_state.Messages, _inFlight, _policy.Retry, now))
        {
            var arrived = _state.Find(failed.QueueId)!.ArrivedAt;
            foreach (var r in failed.Recipients)
                _mailLog.Info(MailEvents.Expired, ("queue_id", failed.QueueId), ("to", r.Recipient), ("relay", _hop),
                    ("delay", now - arrived), ("dsn", r.Status), ("reason", r.Diagnostic));
            _inFlight.Add(failed.QueueId);
            Write(failed, () => _inFlight.Remove(failed.QueueId));
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
            var bounceTo = BounceDecisions.BounceRecipient(m.Sender, m.QueueId, _services.Settings.DoubleBounceRecipient);
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
                m.ArrivedAt, late.Select(r => new BounceProtocol.BounceRecipient(r.Recipient, r.OriginalRecipient, EnhancedStatusCode.StillTrying.ToString(),
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
