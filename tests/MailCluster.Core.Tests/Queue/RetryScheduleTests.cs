using MailCluster.Core.Queue;

namespace MailCluster.Core.Tests.Queue;

public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Arrival = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    // attempts, minutes since arrival (now), expected minutes after now (-1 = expired / null)
    [InlineData(0, 0, 0)]          // never tried: now
    [InlineData(1, 1, 5)]          // 5m
    [InlineData(2, 10, 10)]        // 10m
    [InlineData(3, 30, 20)]        // 20m
    [InlineData(4, 60, 40)]        // 40m
    [InlineData(5, 120, 66.666666666666667)] // 80m capped at 4000 s
    [InlineData(6, 200, 66.666666666666667)]
    [InlineData(50, 300, 66.666666666666667)] // no overflow far out
    [InlineData(int.MaxValue, 300, 66.666666666666667)]
    [InlineData(3, 7199, 1)]       // 5 days = 7200 min: pulled in to the expiry instant
    [InlineData(3, 7200, -1)]      // at expiry: give up
    [InlineData(0, 7200, -1)]
    [InlineData(3, 9000, -1)]
    public void Default_policy_table(int attempts, double minutesSinceArrival, double expectedMinutesAfterNow)
    {
        var now = Arrival.AddMinutes(minutesSinceArrival);
        var next = RetrySchedule.Next(RetryPolicy.Default, Arrival, attempts, now);
        if (expectedMinutesAfterNow < 0)
        {
            Assert.Null(next);
            return;
        }
        Assert.NotNull(next);
        Assert.Equal(expectedMinutesAfterNow * 60, (next.Value - now).TotalSeconds, 3);
    }

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(4, 240)]
    [InlineData(5, 300)]
    [InlineData(6, 300)]
    public void Custom_backoff_doubles_up_to_the_cap(int attempts, int expectedSeconds)
    {
        var policy = new RetryPolicy(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetrySchedule.Backoff(policy, attempts));
    }

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
        // 0, 5m, 15m, 35m, 75m, 155m, 315m, 555m (capped 4h), then pulled in to 600m, then expired.
        Assert.Equal(9, attempts);
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
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrySchedule.Backoff(RetryPolicy.Default, 0));
    }

    [Fact]
    public void Policies_compare_by_value()
    {
        Assert.Equal(new RetryPolicy(), RetryPolicy.Default);
        Assert.NotEqual(new RetryPolicy(delayWarningAfter: TimeSpan.FromHours(4)), RetryPolicy.Default);
    }
}
