using MailCluster.Core.Auth;

namespace MailCluster.Core.Tests.Auth;

public sealed class AuthFailureTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(15);

    [Fact]
    public void The_failure_that_reaches_the_threshold_locks_and_only_that_one_says_so()
    {
        var tracker = new AuthFailureTracker();
        var first = tracker.RecordFailure(T0, 3, Window, Duration);
        var second = tracker.RecordFailure(T0.AddSeconds(1), 3, Window, Duration);
        Assert.Equal((1, false, (DateTimeOffset?)null), (first.Failures, first.LockedNow, first.LockedUntil));
        Assert.Equal((2, false), (second.Failures, second.LockedNow));
        Assert.Null(tracker.LockedUntil(T0.AddSeconds(1)));

        var third = tracker.RecordFailure(T0.AddSeconds(2), 3, Window, Duration);
        Assert.True(third.LockedNow);
        Assert.Equal(3, third.Failures);
        Assert.Equal(T0.AddSeconds(2) + Duration, third.LockedUntil);
        Assert.Equal(T0.AddSeconds(2) + Duration, tracker.LockedUntil(T0.AddSeconds(3)));

        // Failures reported while locked (attempts already on their way) neither count nor lock again.
        var during = tracker.RecordFailure(T0.AddSeconds(4), 3, Window, Duration);
        Assert.False(during.LockedNow);
        Assert.Equal(T0.AddSeconds(2) + Duration, during.LockedUntil);
    }

    [Fact]
    public void After_the_lockout_the_count_starts_afresh()
    {
        var tracker = new AuthFailureTracker();
        for (var i = 0; i < 3; i++) tracker.RecordFailure(T0, 3, Window, Duration);
        var after = T0 + Duration;
        Assert.Null(tracker.LockedUntil(after));
        Assert.Equal(0, tracker.Failures(after, Window));
        Assert.False(tracker.RecordFailure(after, 3, Window, Duration).LockedNow);
        Assert.False(tracker.RecordFailure(after, 3, Window, Duration).LockedNow);
        Assert.True(tracker.RecordFailure(after, 3, Window, Duration).LockedNow);
    }

    [Fact]
    public void Failures_older_than_the_window_do_not_count()
    {
        var tracker = new AuthFailureTracker();
        tracker.RecordFailure(T0, 3, Window, Duration);
        tracker.RecordFailure(T0.AddMinutes(5), 3, Window, Duration);
        // The first failure left the window: this is the second within it, not the third.
        var outcome = tracker.RecordFailure(T0 + Window, 3, Window, Duration);
        Assert.False(outcome.LockedNow);
        Assert.Equal(2, outcome.Failures);
        Assert.True(tracker.RecordFailure(T0 + Window + TimeSpan.FromSeconds(1), 3, Window, Duration).LockedNow);
    }

    [Fact]
    public void Idle_only_once_no_lockout_and_no_failure_in_the_window_remains()
    {
        var tracker = new AuthFailureTracker();
        Assert.True(tracker.IsIdle(T0, Window));
        tracker.RecordFailure(T0, 2, Window, Duration);
        Assert.False(tracker.IsIdle(T0.AddMinutes(1), Window));
        Assert.True(tracker.IsIdle(T0 + Window, Window));

        tracker.RecordFailure(T0 + Window, 2, Window, Duration);
        tracker.RecordFailure(T0 + Window, 2, Window, Duration); // locked for 15 minutes, longer than the window
        Assert.False(tracker.IsIdle(T0 + Window + Window, Window));
        Assert.True(tracker.IsIdle(T0 + Window + Duration, Window));
    }

    [Fact]
    public void A_zero_threshold_never_locks()
    {
        var tracker = new AuthFailureTracker();
        for (var i = 0; i < 100; i++) Assert.False(tracker.RecordFailure(T0, 0, Window, Duration).LockedNow);
        Assert.Null(tracker.LockedUntil(T0));
        Assert.True(tracker.IsIdle(T0, Window));
    }
}
