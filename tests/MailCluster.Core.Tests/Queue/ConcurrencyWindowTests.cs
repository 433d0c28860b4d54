using MailCluster.Core.Queue;

namespace MailCluster.Core.Tests.Queue;

public sealed class ConcurrencyWindowTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Starts_at_the_initial_limit()
    {
        var w = new ConcurrencyWindow();
        Assert.Equal(5, w.Limit);
        Assert.True(w.CanStart(4, T0));
        Assert.False(w.CanStart(5, T0));
        Assert.Equal(3, w.Available(2, T0));
        Assert.Equal(0, w.Available(7, T0));
    }

    [Fact]
    public void Successes_grow_the_limit_one_at_a_time_up_to_the_maximum()
    {
        var w = new ConcurrencyWindow(new ConcurrencyOptions(initial: 2, maximum: 4));
        w.OnSuccess();
        Assert.Equal(3, w.Limit);
        w.OnSuccess();
        w.OnSuccess();
        w.OnSuccess();
        Assert.Equal(4, w.Limit);
    }

    [Theory]
    // limit before, limit after one connection failure
    [InlineData(20, 10)]
    [InlineData(5, 2)]
    [InlineData(3, 1)]
    [InlineData(1, 1)]
    public void A_connection_failure_halves_the_limit(int before, int after)
    {
        var w = new ConcurrencyWindow(new ConcurrencyOptions(initial: before, maximum: 20, deadAfterFailures: 10));
        Assert.False(w.OnConnectionFailure(T0));
        Assert.Equal(after, w.Limit);
        Assert.False(w.IsDead(T0));
    }

    [Fact]
    public void Consecutive_failures_kill_the_destination_until_the_backoff_passes_then_one_probe_runs()
    {
        var w = new ConcurrencyWindow(new ConcurrencyOptions(initial: 8, maximum: 20, deadAfterFailures: 3, deadBackoff: TimeSpan.FromMinutes(10)));
        Assert.False(w.OnConnectionFailure(T0));
        Assert.False(w.OnConnectionFailure(T0));
        Assert.True(w.OnConnectionFailure(T0));

        Assert.True(w.IsDead(T0.AddMinutes(9)));
        Assert.False(w.CanStart(0, T0.AddMinutes(9)));
        Assert.Equal(0, w.Available(0, T0.AddMinutes(9)));
        Assert.Equal(T0.AddMinutes(10), w.DeadUntil);

        // Backoff over: a single probe.
        var later = T0.AddMinutes(10);
        Assert.False(w.IsDead(later));
        Assert.Equal(1, w.Limit);
        Assert.True(w.CanStart(0, later));
        Assert.False(w.CanStart(1, later));

        // A failed probe makes it dead again at once.
        Assert.True(w.OnConnectionFailure(later));
        Assert.True(w.IsDead(later.AddMinutes(5)));

        // A successful probe revives it and growth resumes.
        w.OnSuccess();
        Assert.False(w.IsDead(later.AddMinutes(5)));
        Assert.Null(w.DeadUntil);
        Assert.Equal(0, w.ConsecutiveFailures);
        Assert.Equal(2, w.Limit);
    }

    [Fact]
    public void A_success_between_failures_resets_the_count()
    {
        var w = new ConcurrencyWindow(new ConcurrencyOptions(deadAfterFailures: 2));
        w.OnConnectionFailure(T0);
        w.OnSuccess();
        Assert.False(w.OnConnectionFailure(T0));
        Assert.True(w.OnConnectionFailure(T0));
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConcurrencyOptions(initial: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConcurrencyOptions(initial: 5, maximum: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConcurrencyOptions(deadAfterFailures: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConcurrencyOptions(deadBackoff: TimeSpan.Zero));
    }
}
