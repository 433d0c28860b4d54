namespace MailCluster.Core.Queue;

/// <summary>When to try a deferred message again, and when to give up or warn. Pure: the caller passes the clock.</summary>
public static class RetrySchedule
{
    /// <summary>
    /// The time of the next attempt, or null when the message has outlived <see cref="RetryPolicy.MaximumLifetime"/>
    /// and must be bounced. No attempt yet means now. After n failed attempts the wait is
    /// MinimumBackoff × 2^(n−1), capped at MaximumBackoff, so a brief outage costs little and a long one does not
    /// hammer the destination. The last attempt is pulled in to the expiry instant rather than skipped: a message
    /// is bounced only after an attempt made at (or after) the end of its lifetime has failed too.
    /// </summary>
    public static DateTimeOffset? Next(RetryPolicy policy, DateTimeOffset arrival, int attemptsSoFar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegative(attemptsSoFar);
        var expiry = ExpiresAt(policy, arrival);
        if (now >= expiry) return null;
        if (attemptsSoFar == 0) return now;
        var next = now + Backoff(policy, attemptsSoFar);
        return next < expiry ? next : expiry;
    }

    /// <summary>The wait after <paramref name="attemptsSoFar"/> failed attempts (at least one).</summary>
    public static TimeSpan Backoff(RetryPolicy policy, int attemptsSoFar)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptsSoFar, 1);
        // Doubling overflows TimeSpan long before 62 attempts; by then the cap has applied for ages anyway.
        var exponent = Math.Min(attemptsSoFar - 1, 40);
        var ticks = policy.MinimumBackoff.Ticks * Math.Pow(2, exponent);
        return ticks >= policy.MaximumBackoff.Ticks ? policy.MaximumBackoff : TimeSpan.FromTicks((long)ticks);
    }

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
