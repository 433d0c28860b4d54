using MailCluster.Cluster.Logging;
using Akka.Actor;
using Akka.Event;
using MailCluster.Cluster.Queue.Decisions;
namespace MailCluster.Cluster.Queue;

/// <summary>The postqueue/postsuper side: list, summarize, flush, hold, release and delete.</summary>
public sealed partial class NextHopQueueActor
{
    private void OperationCommands()
    {
        Command<GetQueueEntries>(_ => Sender.Tell(new QueueEntries(_entityId, Views(Now).ToList())));
        Command<GetQueueSummary>(_ => Sender.Tell(Summary(Now)));
        Command<FlushQueue>(flush =>
        {
            var replyTo = Sender;
            _concurrency = NewWindow();
            // On a defer-transports queue, what is queued (and not held) now gets one attempt; later mail waits again.
            foreach (var m in (flush.QueueIds is null ? _state.Messages : _state.Select(flush.QueueIds)).Where(m => !m.Held))
                _flushing.Add(m.QueueId);
            var decision = Decide(new QueueCommand.Flush(flush.QueueIds));
            Carry(decision, () => replyTo.Tell(new QueueCommandDone(_entityId, decision.Affected)));
        });
        Command<HoldMessages>(hold => Change(new QueueCommand.Hold(hold.QueueIds)));
        Command<ReleaseMessages>(release => Change(new QueueCommand.Release(release.QueueIds)));
        Command<DeleteMessages>(delete =>
        {
            var decision = Decide(new QueueCommand.Delete(delete.QueueIds));
            var replyTo = Sender;
            Carry(decision, () =>
            {
                foreach (var m in decision.RetireAfterJournal)
                    _mailLog.Info(MailEvents.Deleted, ("queue_id", m.QueueId), ("hop", _hop), ("nrcpt", m.Recipients.Count),
                        ("reason", "removed by the administrator"));
                replyTo.Tell(new QueueCommandDone(_entityId, decision.Affected));
            });
        });
    }

    private void Change(QueueCommand command)
    {
        var replyTo = Sender;
        var decision = Decide(command);
        Carry(decision, () => replyTo.Tell(new QueueCommandDone(_entityId, decision.Affected)));
    }

    private IEnumerable<QueueEntryView> Views(DateTimeOffset now) =>
        from m in _state.Messages
        from r in m.Recipients.Values
        select new QueueEntryView(m.QueueId, r.Recipient, m.Sender, m.ArrivedAt, StateOf(m, r, now), r.Attempts,
            r.NextAttemptAt, r.LastError);

    private string StateOf(QueuedMessage m, RecipientProgress r, DateTimeOffset now) =>
        !r.Pending ? "failed"
        : m.Held ? "held"
        : _inFlight.Contains(m.QueueId) ? "delivering"
        : r.NextAttemptAt is { } at && at > now ? "deferred"
        : "active";

    private QueueSummary Summary(DateTimeOffset now)
    {
        var states = Views(now).GroupBy(v => v.State).ToDictionary(g => g.Key, g => g.Count());
        int Count(string s) => states.GetValueOrDefault(s);
        var oldest = _state.Messages.Select(m => (DateTimeOffset?)m.ArrivedAt).DefaultIfEmpty(null).Min();
        return new QueueSummary(_entityId, Count("active"), Count("deferred"), Count("held"), Count("delivering"), oldest, _state.LastError);
    }
}
