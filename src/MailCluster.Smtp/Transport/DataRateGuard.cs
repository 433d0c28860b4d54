namespace MailCluster.Smtp.Transport;

/// <summary>
/// The minimum data rate for DATA and BDAT (mailcluster.smtp.limits.min-data-rate and min-data-rate-grace).
/// <paramref name="OctetsPerSecond"/> 0 turns the check off.
/// </summary>
public sealed record DataRateLimit(int OctetsPerSecond, TimeSpan Grace)
{
    public static DataRateLimit Default { get; } = new(500, TimeSpan.FromSeconds(60));
    public static DataRateLimit Off { get; } = new(0, TimeSpan.FromSeconds(60));

    public bool Enabled => OctetsPerSecond > 0;
}

/// <summary>
/// Holds one message transfer to <see cref="DataRateLimit"/>, in the way of Postfix's smtpd_min_data_rate: the transfer
/// starts with <see cref="DataRateLimit.Grace"/> of time, every octet received earns 1/rate seconds more, and no more than
/// the grace is ever banked. So a client must keep up the rate over any stretch longer than the grace, and a fast start
/// does not pay for a stall later; a client dribbling one octet a second is cut off about one grace period in.
/// Pure: the caller passes a monotonic "now".
/// </summary>
public sealed class DataRateGuard
{
    private readonly DataRateLimit _limit;
    private TimeSpan _deadline;

    public DataRateGuard(DataRateLimit limit, TimeSpan now)
    {
        if (!limit.Enabled) throw new ArgumentException("the data rate check is off", nameof(limit));
        _limit = limit;
        _deadline = now + limit.Grace;
    }

    public DataRateLimit Limit => _limit;

    /// <summary>Time left before the transfer is too slow if no further octet arrives (zero or less: it already is).</summary>
    public TimeSpan TimeLeft(TimeSpan now) => _deadline - now;

    public void Record(long octets, TimeSpan now)
    {
        // Octets that come after the deadline do not revive a transfer that was already too slow.
        if (octets <= 0 || now > _deadline) return;
        var earned = _deadline + TimeSpan.FromSeconds((double)octets / _limit.OctetsPerSecond);
        var cap = now + _limit.Grace;
        _deadline = earned < cap ? earned : cap;
    }
}
