using MailCluster.Cluster.Logging;
using Akka.Actor;
using Akka.Event;
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
            var count = flush.QueueIds is null ? _state.MessageCount : _state.Select(flush.QueueIds).Count();
            Write(new MessagesFlushed(flush.QueueIds, Now), () => replyTo.Tell(new QueueCommandDone(_entityId, count)));
        });
        Command<HoldMessages>(hold => Change(hold.QueueIds, ids => new MessagesHeld(ids)));
        Command<ReleaseMessages>(release => Change(release.QueueIds, ids => new MessagesReleased(ids)));
        Command<DeleteMessages>(delete =>
        {
            var doomed = _state.Select(delete.QueueIds).ToList();
            var replyTo = Sender;
            if (doomed.Count == 0)
            {
                replyTo.Tell(new QueueCommandDone(_entityId, 0));
                return;
            }
            Write(new MessagesDeleted(doomed.Select(m => m.QueueId).ToList()), () =>
            {
                foreach (var m in doomed)
                {
                    _mailLog.Info(MailEvents.Deleted, ("queue_id", m.QueueId), ("hop", _hop), ("nrcpt", m.Recipients.Count),
                        ("reason", "removed by the administrator"));
                    Retire(m.QueueId, m.Recipients.Keys.ToList());
                }
                replyTo.Tell(new QueueCommandDone(_entityId, doomed.Count));
            });
        });
    }

    private void Change(IReadOnlyList<string> queueIds, Func<IReadOnlyList<string>, IQueueEvent> toEvent)
    {
        var ids = _state.Select(queueIds).Select(m => m.QueueId).ToList();
        var replyTo = Sender;
        if (ids.Count == 0) replyTo.Tell(new QueueCommandDone(_entityId, 0));
        else Write(toEvent(ids), () => replyTo.Tell(new QueueCommandDone(_entityId, ids.Count)));
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
