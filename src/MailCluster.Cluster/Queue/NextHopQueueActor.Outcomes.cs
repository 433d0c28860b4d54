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
    /// The decision is <see cref="QueueDecider"/>'s; here it is carried out: delivered recipients retire their rows, the
    /// rest is journaled, and the message is free for another attempt once that is stored.
    /// </summary>
    private void Record(DeliveryReport report)
    {
        var now = Now;
        var message = _state.Find(report.QueueId);
        var decision = Decide(new QueueCommand.Report(report.QueueId, report.Results), now);
        if (message is not null && decision.Outcomes.Count > 0)
        {
            MailClusterMetrics.DeliveryOutcomes(decision.Count(RecipientOutcome.Delivered), decision.Count(RecipientOutcome.Deferred),
                decision.Count(RecipientOutcome.Bounced) + decision.Count(RecipientOutcome.Expired));
            LogOutcomes(message, decision.Outcomes, now);
        }
        Carry(decision, () => _inFlight.Remove(report.QueueId));
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
        foreach (var failed in Decide(new QueueCommand.Expire(_inFlight), now).Journal.OfType<RecipientsFailed>())
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
        var busy = (string id) => _bouncing.Contains(id) || _inFlight.Contains(id);
        foreach (var plan in BounceDecisions.Pending(_state, busy, _services.Settings.DoubleBounceRecipient))
        {
            var (m, recipients) = (plan.Message, plan.Recipients);
            _bouncing.Add(m.QueueId);
            if (plan.BounceTo is null)
            {
                _mailLog.Info(MailEvents.DsnSkipped, ("queue_id", m.QueueId), ("nrcpt", recipients.Count), ("reason", plan.SkipReason));
                Write(new BounceQueued(m.QueueId, recipients, null), () => AfterBounce(m.QueueId, recipients));
                continue;
            }
            var bounceId = BounceIds.For(m.QueueId, _hop, recipients, plan.DoubleBounce ? BounceIds.DoubleBounce : "B");
            var request = new BounceProtocol.CreateBounce(bounceId, m.QueueId, plan.BounceTo, m.ArrivedAt,
                plan.Failed.Select(r => new BounceProtocol.BounceRecipient(r.Recipient, r.OriginalRecipient, r.Failure!.Status,
                    r.Failure.Diagnostic, r.Failure.RemoteMta, Now)).ToList(), DelayWarning: false, RetryUntil: null, plan.DoubleBounce);
            AskBounce(m.QueueId, m.QueueId, request, recipients);
        }
    }

    /// <summary>Optional "delayed mail" notice, once per recipient, after delay-warning-after.</summary>
    private void StartDelayWarnings(DateTimeOffset now)
    {
        foreach (var plan in BounceDecisions.DelayWarnings(_state, _policy.Retry.DelayWarningAfter, id => _bouncing.Contains(id + "/W"), now))
        {
            var m = plan.Message;
            var key = m.QueueId + "/W";
            _bouncing.Add(key);
            var request = new BounceProtocol.CreateBounce(BounceIds.For(m.QueueId, _hop, plan.Recipients, "W"), m.QueueId, m.Sender,
                m.ArrivedAt, plan.Late.Select(r => new BounceProtocol.BounceRecipient(r.Recipient, r.OriginalRecipient, EnhancedStatusCode.StillTrying.ToString(),
                    r.LastError ?? "", null, now)).ToList(), DelayWarning: true, m.ArrivedAt + _policy.Retry.MaximumLifetime);
            AskBounce(key, m.QueueId, request, plan.Recipients);
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
