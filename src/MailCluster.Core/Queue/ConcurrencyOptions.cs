namespace MailCluster.Core.Queue;

/// <summary>
/// Per-destination concurrency (Postfix: initial_destination_concurrency, default_destination_concurrency_limit,
/// destination_concurrency_failed_cohort_limit).
/// </summary>
public sealed record ConcurrencyOptions
{
    /// <param name="initial">Parallel deliveries to a destination we know nothing about yet.</param>
    /// <param name="maximum">Never more than this to one destination.</param>
    /// <param name="deadAfterFailures">Consecutive connection failures after which the destination counts as dead.</param>
    /// <param name="deadBackoff">How long a dead destination is left alone before one probe.</param>
    public ConcurrencyOptions(int initial = 5, int maximum = 20, int deadAfterFailures = 5, TimeSpan? deadBackoff = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initial, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, initial);
        ArgumentOutOfRangeException.ThrowIfLessThan(deadAfterFailures, 1);
        Initial = initial;
        Maximum = maximum;
        DeadAfterFailures = deadAfterFailures;
        DeadBackoff = deadBackoff ?? TimeSpan.FromMinutes(5);
        if (DeadBackoff <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(deadBackoff), "Must be positive.");
    }

    public static ConcurrencyOptions Default { get; } = new();

    public int Initial { get; }
    public int Maximum { get; }
    public int DeadAfterFailures { get; }
    public TimeSpan DeadBackoff { get; }
}
