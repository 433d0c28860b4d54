using MailCluster.Smtp.Transport;

namespace MailCluster.Smtp.Tests;

public class DataRateGuardTests
{
    private static readonly DataRateLimit Limit = new(1000, TimeSpan.FromSeconds(10));
    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void A_transfer_starts_with_the_grace()
    {
        var guard = new DataRateGuard(Limit, At(100));
        Assert.Equal(At(10), guard.TimeLeft(At(100)));
        Assert.Equal(At(0), guard.TimeLeft(At(110)));
    }

    [Fact]
    public void Each_octet_earns_one_over_the_rate_seconds()
    {
        var guard = new DataRateGuard(Limit, At(0));
        guard.Record(2000, At(5)); // the deadline moves from 10 s to 12 s
        Assert.Equal(At(7), guard.TimeLeft(At(5)));
    }

    [Fact]
    public void No_more_than_the_grace_is_banked_so_a_fast_start_does_not_pay_for_a_stall()
    {
        var guard = new DataRateGuard(Limit, At(0));
        guard.Record(10_000_000, At(1));
        Assert.Equal(At(10), guard.TimeLeft(At(1)));
        Assert.True(guard.TimeLeft(At(11.5)) < TimeSpan.Zero);
    }

    [Fact]
    public void A_client_below_the_rate_runs_out_of_time_and_one_at_the_rate_does_not()
    {
        var slow = new DataRateGuard(Limit, At(0));
        var steady = new DataRateGuard(Limit, At(0));
        for (var second = 1; second <= 60; second++)
        {
            if (slow.TimeLeft(At(second)) > TimeSpan.Zero) slow.Record(500, At(second));
            steady.Record(1000, At(second));
        }
        Assert.True(slow.TimeLeft(At(60)) < TimeSpan.Zero); // half the rate: out after about 2 × grace
        Assert.Equal(At(10), steady.TimeLeft(At(60)));
    }

    [Fact]
    public void Octets_after_the_deadline_do_not_revive_the_transfer()
    {
        var guard = new DataRateGuard(Limit, At(0));
        guard.Record(1_000_000, At(12));
        Assert.True(guard.TimeLeft(At(12)) < TimeSpan.Zero);
    }

    [Fact]
    public void A_disabled_limit_makes_no_guard()
    {
        Assert.False(DataRateLimit.Off.Enabled);
        Assert.Throws<ArgumentException>(() => new DataRateGuard(DataRateLimit.Off, At(0)));
    }
}
