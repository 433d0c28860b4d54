namespace MailCluster.Core.Queue;

/// <summary>When to try a deferred message again, and when to give up or warn. Pure: the caller passes the clock.</summary>
public static class RetrySchedule
{
    /// <summary>
    /// The time of the next attempt, or null when the message has outlived <see cref="RetryPolicy.MaximumLifetime"/>
    /// and must be bounced. No attempt yet means now. After a failed attempt, the next one is the first point of the
    /// message's retry grid (<see cref="RetryPoints"/>) after <paramref name="now"/>: the grid depends only on the
    /// arrival time, as Postfix bases its backoff on the message's age, so how many attempts were made (an operator's
    /// <c>mailctl queue flush</c>, a restart) never moves the next automatic retry further out. The last attempt is
    /// pulled in to the expiry instant rather than skipped: a message is bounced only after an attempt made at (or
    /// after) the end of its lifetime has failed too.
    /// </summary>
    public static DateTimeOffset? Next(RetryPolicy policy, DateTimeOffset arrival, int attemptsSoFar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegative(attemptsSoFar);
        var expiry = ExpiresAt(policy, arrival);
        if (now >= expiry) return null;
        if (attemptsSoFar == 0) return now;
        var next = FirstRetryPointAfter(policy, arrival, now);
        return next < expiry ? next : expiry;
    }

    /// <summary>
    /// The automatic retry times of a message that arrived at <paramref name="arrival"/>: the first MinimumBackoff after
    /// arrival, then each one the message's age at the previous one later, clamped to [MinimumBackoff, MaximumBackoff]
    /// (Postfix's qmgr: the wait is the time already spent in the queue). With the defaults: 5, 10, 20, 40, 80 minutes,
    /// then every 4000 s.
    /// </summary>
    public static DateTimeOffset FirstRetryPointAfter(RetryPolicy policy, DateTimeOffset arrival, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var point = arrival + policy.MinimumBackoff;
        // Doubling phase: a handful of steps (log2(max/min)), until the gap reaches the cap.
        while (point <= now)
        {
            var gap = Wait(policy, point - arrival);
            if (gap == policy.MaximumBackoff)
            {
                // From here on the grid is regular: jump there instead of stepping through days of 4000 s gaps.
                var steps = (now - point).Ticks / gap.Ticks + 1;
                return point + TimeSpan.FromTicks(gap.Ticks * steps);
            }
            point += gap;
        }
        return point;
    }

    /// <summary>The wait after an attempt made when the message was <paramref name="age"/> old.</summary>
    public static TimeSpan Wait(RetryPolicy policy, TimeSpan age) =>
        age < policy.MinimumBackoff ? policy.MinimumBackoff : age > policy.MaximumBackoff ? policy.MaximumBackoff : age;

    /// <summary>The instant after which a message is bounced instead of retried.</summary>
    public static DateTimeOffset ExpiresAt(RetryPolicy policy, DateTimeOffset arrival) => arrival + policy.MaximumLifetime;

    public static bool IsExpired(RetryPolicy policy, DateTimeOffset arrival, DateTimeOffset now) => now >= ExpiresAt(policy, arrival);

    /// <summary>
    /// Whether to send the one "still trying" warning now: warnings are configured, none was sent yet, the message
    /// is old enough, and it has not expired (then a bounce is due instead).
    /// </summary>
    public static bool ShouldWarnDelay(RetryPolicy policy, DateTimeOffset arrival, DateTimeOffset now, bool warningAlreadySent) =>
        policy.DelayWarningAfter is { } after
        && !warningAlreadySent
        && now >= arrival + after
        && !IsExpired(policy, arrival, now);
}
