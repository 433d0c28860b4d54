using CsCheck;
using MailCluster.Core.Queue;

namespace MailCluster.Core.Tests.Queue;

public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Arrival = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    // attempts, minutes since arrival (now), expected minutes since arrival of the next attempt (-1 = expired / null)
    [InlineData(0, 0, 0)]          // never tried: now
    [InlineData(0, 42, 42)]
    [InlineData(1, 0, 5)]          // the retry grid: 5, 10, 20, 40, 80 minutes, then every 4000 s
    [InlineData(1, 1, 5)]
    [InlineData(2, 5, 10)]
    [InlineData(3, 10, 20)]
    [InlineData(4, 20, 40)]
    [InlineData(5, 40, 80)]
    [InlineData(6, 80, 146.666666666666667)]  // 80 + 4000 s
    [InlineData(7, 146.7, 213.333333333333333)]
    [InlineData(1, 146.7, 213.333333333333333)] // the attempt count does not matter, only the age
    [InlineData(50, 300, 346.666666666666667)]  // no overflow far out
    [InlineData(int.MaxValue, 300, 346.666666666666667)]
    [InlineData(3, 7199, 7200)]    // 5 days = 7200 min: pulled in to the expiry instant
    [InlineData(3, 7200, -1)]      // at expiry: give up
    [InlineData(0, 7200, -1)]
    [InlineData(3, 9000, -1)]
    public void Default_policy_table(int attempts, double minutesSinceArrival, double expectedMinutesSinceArrival)
    {
        var now = Arrival.AddMinutes(minutesSinceArrival);
        var next = RetrySchedule.Next(RetryPolicy.Default, Arrival, attempts, now);
        if (expectedMinutesSinceArrival < 0)
        {
            Assert.Null(next);
            return;
        }
        Assert.NotNull(next);
        Assert.Equal(expectedMinutesSinceArrival * 60, (next.Value - Arrival).TotalSeconds, 3);
    }

    [Theory]
    // seconds in the queue at the attempt, expected wait in seconds
    [InlineData(0, 30)]
    [InlineData(29, 30)]
    [InlineData(60, 60)]
    [InlineData(240, 240)]
    [InlineData(300, 300)]
    [InlineData(100000, 300)]
    public void The_wait_is_the_age_clamped_to_the_backoff_bounds(int ageSeconds, int expectedSeconds)
    {
        var policy = new RetryPolicy(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetrySchedule.Wait(policy, TimeSpan.FromSeconds(ageSeconds)));
    }

    /// <summary>
    /// The defect of issue 12: each `mailctl queue flush` of a dead destination counted as an attempt and doubled the
    /// wait, so after two flushes the next automatic retry was 20 minutes away instead of 5. Operator attempts made at
    /// any time must never move the next automatic retry later than it was without them.
    /// </summary>
    [Fact]
    public void Flushes_never_delay_the_next_automatic_retry()
    {
        var policy = RetryPolicy.Default;
        // Without flushes: first attempt at arrival, fails; the automatic retry is at 5 minutes.
        var automatic = RetrySchedule.Next(policy, Arrival, 1, Arrival)!.Value;
        // Two flushes, at 1 and 2 minutes, both fail: the attempt count is now 3.
        var afterFlushes = RetrySchedule.Next(policy, Arrival, 3, Arrival.AddMinutes(2))!.Value;
        Assert.Equal(Arrival.AddMinutes(5), automatic);
        Assert.Equal(automatic, afterFlushes);
    }

    [Fact]
    public void Extra_attempts_at_any_time_never_push_the_schedule_out() =>
        Gen.Select(Gen.Int[1, 100], Gen.Int[0, 7 * 24 * 3600], Gen.Int[1, 3600], Gen.Int[1, 4 * 3600], Gen.Int[1, 50])
            .Sample((minSeconds, ageSeconds, extraMin, extraMax, extraAttempts) =>
            {
                var policy = new RetryPolicy(TimeSpan.FromSeconds(minSeconds), TimeSpan.FromSeconds(minSeconds + extraMax),
                    TimeSpan.FromDays(8));
                var now = Arrival.AddSeconds(ageSeconds);
                var regular = RetrySchedule.Next(policy, Arrival, 1, now);
                var withExtras = RetrySchedule.Next(policy, Arrival, 1 + extraAttempts, now);
                Assert.Equal(regular, withExtras);
                if (regular is { } at)
                {
                    Assert.True(at > now || at == RetrySchedule.ExpiresAt(policy, Arrival));
                    Assert.True(at - now <= policy.MaximumBackoff, $"waits at most the maximum backoff, got {at - now}");
                }
            });

    [Fact]
    public void Defaults_match_postfix()
    {
        var p = RetryPolicy.Default;
        Assert.Equal(TimeSpan.FromMinutes(5), p.MinimumBackoff);
        Assert.Equal(TimeSpan.FromSeconds(4000), p.MaximumBackoff);
        Assert.Equal(TimeSpan.FromDays(5), p.MaximumLifetime);
        Assert.Null(p.DelayWarningAfter);
        Assert.Equal(Arrival.AddDays(5), RetrySchedule.ExpiresAt(p, Arrival));
    }

    [Fact]
    public void A_schedule_never_runs_past_expiry()
    {
        var policy = new RetryPolicy(TimeSpan.FromMinutes(5), TimeSpan.FromHours(4), TimeSpan.FromHours(10));
        var now = Arrival;
        var attempts = 0;
        DateTimeOffset? next;
        while ((next = RetrySchedule.Next(policy, Arrival, attempts, now)) is { } at)
        {
            Assert.True(at <= RetrySchedule.ExpiresAt(policy, Arrival));
            Assert.True(at >= now);
            now = at; // the attempt runs then and fails
            attempts++;
            if (now >= RetrySchedule.ExpiresAt(policy, Arrival)) now = now.AddSeconds(1);
            Assert.True(attempts < 100);
        }
        // 0, 5m, 10m, 20m, 40m, 80m, 160m, 320m, 560m (capped 4h), then pulled in to 600m, then expired.
        Assert.Equal(10, attempts);
    }

    [Theory]
    // warnAfterHours (0 = none), hoursSinceArrival, alreadySent, expected
    [InlineData(0, 10, false, false)]
    [InlineData(4, 3.9, false, false)]
    [InlineData(4, 4, false, true)]
    [InlineData(4, 50, false, true)]
    [InlineData(4, 50, true, false)]
    [InlineData(4, 120, false, false)] // expired: a bounce, not a warning
    public void Delay_warnings(double warnAfterHours, double hoursSinceArrival, bool alreadySent, bool expected)
    {
        var policy = new RetryPolicy(delayWarningAfter: warnAfterHours > 0 ? TimeSpan.FromHours(warnAfterHours) : null);
        Assert.Equal(expected, RetrySchedule.ShouldWarnDelay(policy, Arrival, Arrival.AddHours(hoursSinceArrival), alreadySent));
    }

    [Fact]
    public void Bad_policies_and_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(maximumLifetime: TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(delayWarningAfter: TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrySchedule.Next(RetryPolicy.Default, Arrival, -1, Arrival));
    }

    [Fact]
    public void Policies_compare_by_value()
    {
        Assert.Equal(new RetryPolicy(), RetryPolicy.Default);
        Assert.NotEqual(new RetryPolicy(delayWarningAfter: TimeSpan.FromHours(4)), RetryPolicy.Default);
    }
}
