using MailCluster.Core.Policy;

namespace MailCluster.Core.Tests.Policy;

public sealed class RateWindowTests
{
    private static readonly DateTimeOffset MinuteStart = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Hits_up_to_the_limit_pass_and_the_next_is_refused_without_counting()
    {
        var window = new RateWindow();
        for (var i = 0; i < 3; i++) Assert.True(window.TryHit(MinuteStart.AddSeconds(i), 1, 3));
        Assert.False(window.TryHit(MinuteStart.AddSeconds(5), 1, 3));
        Assert.Equal(3, window.Rate(MinuteStart.AddSeconds(5)));
    }

    [Fact]
    public void A_burst_at_the_end_of_a_minute_still_counts_early_in_the_next()
    {
        var window = new RateWindow();
        for (var i = 0; i < 10; i++) Assert.True(window.TryHit(MinuteStart.AddSeconds(59), 1, 10));
        // 6 s into the next minute, 90% of the previous minute still overlaps the sliding window.
        Assert.False(window.TryHit(MinuteStart.AddSeconds(66), 2, 10));
        Assert.True(window.TryHit(MinuteStart.AddSeconds(66), 1, 10));
    }

    [Fact]
    public void Two_quiet_minutes_empty_the_window()
    {
        var window = new RateWindow();
        window.TryHit(MinuteStart, 5, 10);
        Assert.False(window.IsIdle(MinuteStart.AddSeconds(70)));
        Assert.True(window.IsIdle(MinuteStart.AddSeconds(125)));
        Assert.True(window.TryHit(MinuteStart.AddSeconds(125), 10, 10));
    }
}
