using MailCluster.Core.Bounce;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// Sleeping until something is due. The queue used to tick every second, so every idle entity of every node woke a
/// thousand times a quarter hour to find nothing to do. Now each pass of <see cref="Work"/> ends by setting one timer
/// for the earliest moment the queue itself must act: a retry falling due, a paused destination coming back, an expiry,
/// a delay warning, an idle connection to close. Everything else wakes it anyway: an enqueue, a delivery report, an
/// operator command, a journal write completing.
/// </summary>
public sealed partial class NextHopQueueActor
{
    private const string WakeTimer = "wake";
    /// <summary>Long sleeps are cut into pieces, so a wall clock that jumps is noticed within this.</summary>
    private static readonly TimeSpan LongestSleep = TimeSpan.FromMinutes(5);
    /// <summary>A bounce that could not be queued is tried again after this.</summary>
    private static readonly TimeSpan BounceRetryDelay = TimeSpan.FromSeconds(5);

    private void ScheduleWakeUp(DateTimeOffset now)
    {
        if (NextWakeUp(now) is not { } at)
        {
            Timers.Cancel(WakeTimer);
            return;
        }
        var delay = at - now;
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        if (delay > LongestSleep) delay = LongestSleep;
        Timers.StartSingleTimer(WakeTimer, Tick.Instance, delay);
    }

    /// <summary>
    /// The earliest future moment at which <see cref="Work"/> would do something it cannot do now. What is due already
    /// but waits for a free slot in the window is left out: the report that frees the slot runs Work.
    /// </summary>
    private DateTimeOffset? NextWakeUp(DateTimeOffset now)
    {
        DateTimeOffset? earliest = null;
        void Consider(DateTimeOffset at)
        {
            if (at > now && (earliest is null || at < earliest)) earliest = at;
        }

        foreach (var since in _idle.Values) Consider(since + IdleConnectionTime);
        if (_rateLimited)
        {
            if (_rates.NextMessageAt(now) is { } message) Consider(message);
            if (_rates.NextConnectionAt(now) is { } connection) Consider(connection);
        }
        var retriesWait = IsDeferredTransport && _flushing.Count == 0;
        if (_concurrency.IsDead(now) && _concurrency.DeadUntil is { } back && !retriesWait) Consider(back);
        var warnAfter = _policy.Retry.DelayWarningAfter;
        foreach (var m in _state.Messages)
        {
            if (_inFlight.Contains(m.QueueId)) continue; // its report or write runs Work again
            Consider(m.ArrivedAt + _policy.Retry.MaximumLifetime);
            var warnable = warnAfter is not null && DsnPolicy.ShouldBounce(m.Sender);
            foreach (var r in m.Recipients.Values)
            {
                if (!r.Pending) continue;
                if (!m.Held && MayStart(m.QueueId) && r.NextAttemptAt is { } next) Consider(next);
                if (warnable && r.Attempts > 0 && !r.DelayWarned) Consider(m.ArrivedAt + warnAfter!.Value);
            }
        }
        return earliest;
    }
}
