namespace MailCluster.Core.Auth;

/// <summary>
/// The failed AUTH attempts of one subject (a client IP or a login) and its lockout. Only the most recent
/// <c>maxFailures</c> failure times are kept, so memory is bounded however fast the guessing. While locked, nothing is
/// counted (those attempts are refused before any password check); when the lockout ends the subject starts afresh.
/// </summary>
public sealed class AuthFailureTracker
{
    private readonly Queue<DateTimeOffset> _failures = new();
    private DateTimeOffset _lockedUntil = DateTimeOffset.MinValue;

    /// <summary>The end of the lockout in force at <paramref name="now"/>, or null when attempts may go ahead.</summary>
    public DateTimeOffset? LockedUntil(DateTimeOffset now) => now < _lockedUntil ? _lockedUntil : null;

    /// <summary>Failures counted within <paramref name="window"/> before <paramref name="now"/>.</summary>
    public int Failures(DateTimeOffset now, TimeSpan window)
    {
        Expire(now, window);
        return _failures.Count;
    }

    /// <summary>Counts one failure; the one that reaches <paramref name="maxFailures"/> within the window locks the subject.</summary>
    public AuthFailureOutcome RecordFailure(DateTimeOffset now, int maxFailures, TimeSpan window, TimeSpan duration)
    {
        if (LockedUntil(now) is { } until) return new AuthFailureOutcome(0, until, LockedNow: false);
        Expire(now, window);
        _failures.Enqueue(now);
        if (maxFailures <= 0)
        {
            // No lockout for this subject: keep nothing that could grow.
            _failures.Clear();
            return new AuthFailureOutcome(0, null, false);
        }
        var count = _failures.Count;
        if (count < maxFailures) return new AuthFailureOutcome(count, null, false);
        _failures.Clear();
        _lockedUntil = now + duration;
        return new AuthFailureOutcome(count, _lockedUntil, LockedNow: true);
    }

    /// <summary>True when neither a lockout nor a failure within the window remains: the tracker can be dropped.</summary>
    public bool IsIdle(DateTimeOffset now, TimeSpan window) => LockedUntil(now) is null && Failures(now, window) == 0;

    private void Expire(DateTimeOffset now, TimeSpan window)
    {
        while (_failures.Count > 0 && _failures.Peek() <= now - window) _failures.Dequeue();
    }
}

/// <param name="Failures">Failures within the window after this one (0 when it was not counted).</param>
/// <param name="LockedUntil">The end of the lockout in force after this failure, if any.</param>
/// <param name="LockedNow">This failure started the lockout (log it once, count it once).</param>
public sealed record AuthFailureOutcome(int Failures, DateTimeOffset? LockedUntil, bool LockedNow);
