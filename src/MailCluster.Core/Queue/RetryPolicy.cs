namespace MailCluster.Core.Queue;

/// <summary>
/// How long and how often a deferred message is retried (Postfix: minimal_backoff_time, maximal_backoff_time,
/// maximal_queue_lifetime, delay_warning_time). Validated on construction; there are no setters to bypass that.
/// </summary>
public sealed record RetryPolicy
{
    public static readonly TimeSpan DefaultMinimumBackoff = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultMaximumBackoff = TimeSpan.FromSeconds(4000);
    public static readonly TimeSpan DefaultMaximumLifetime = TimeSpan.FromDays(5);

    /// <param name="minimumBackoff">Wait after the first failure; 5 minutes by default.</param>
    /// <param name="maximumBackoff">Longest wait between attempts; 4000 s (~67 min) by default.</param>
    /// <param name="maximumLifetime">Age at which a message is given up and bounced; 5 days by default.</param>
    /// <param name="delayWarningAfter">Age at which the sender is told "still trying"; null sends no warning.</param>
    public RetryPolicy(
        TimeSpan? minimumBackoff = null,
        TimeSpan? maximumBackoff = null,
        TimeSpan? maximumLifetime = null,
        TimeSpan? delayWarningAfter = null)
    {
        MinimumBackoff = minimumBackoff ?? DefaultMinimumBackoff;
        MaximumBackoff = maximumBackoff ?? DefaultMaximumBackoff;
        MaximumLifetime = maximumLifetime ?? DefaultMaximumLifetime;
        DelayWarningAfter = delayWarningAfter;
        if (MinimumBackoff <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(minimumBackoff), "Must be positive.");
        if (MaximumBackoff < MinimumBackoff) throw new ArgumentOutOfRangeException(nameof(maximumBackoff), "Must not be below the minimum backoff.");
        if (MaximumLifetime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(maximumLifetime), "Must be positive.");
        if (DelayWarningAfter is { } w && w <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(delayWarningAfter), "Must be positive (or null for no warning).");
    }

    public static RetryPolicy Default { get; } = new();

    public TimeSpan MinimumBackoff { get; }
    public TimeSpan MaximumBackoff { get; }
    public TimeSpan MaximumLifetime { get; }
    public TimeSpan? DelayWarningAfter { get; }
}
