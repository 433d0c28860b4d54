using MailCluster.Cluster.Queue.Decisions;

namespace MailCluster.Cluster.Queue;

/// <summary>Carrying out <see cref="QueueDecider"/>'s decisions: apply, persist, retire. The actor decides nothing itself.</summary>
public sealed partial class NextHopQueueActor
{
    private QueueDecision Decide(QueueCommand command, DateTimeOffset? now = null) =>
        QueueDecider.Decide(_state, command, _policy.Retry, now ?? Now);

    /// <summary>
    /// Applies what is durable already, retires what is finished now, journals the rest; <paramref name="afterJournal"/>
    /// (and the retirements that must wait) run once the journal has stored the last event, or at once if there is none.
    /// </summary>
    private void Carry(QueueDecision decision, Action? afterJournal = null)
    {
        foreach (var e in decision.Applied) _state = _state.Apply(e);
        foreach (var r in decision.RetireNow) Retire(r.QueueId, r.Recipients);
        void Finish()
        {
            foreach (var r in decision.RetireAfterJournal) Retire(r.QueueId, r.Recipients);
            afterJournal?.Invoke();
        }
        if (decision.Journal.Count == 0)
        {
            Finish();
            return;
        }
        for (var i = 0; i < decision.Journal.Count; i++)
            Write(decision.Journal[i], i == decision.Journal.Count - 1 ? Finish : null);
    }
}
