namespace MailCluster.Core.Policy;

/// <summary>
/// A sliding one-minute window approximated from two fixed minutes (the current count plus the previous minute's,
/// weighted by how much of it still overlaps), so a burst at a minute boundary cannot double the allowed rate.
/// </summary>
public sealed class RateWindow
{
    private long _minute = long.MinValue;
    private int _current;
    private int _previous;

    /// <summary>Counts <paramref name="units"/> if that keeps the rate within <paramref name="limit"/>; a refused hit is not counted.</summary>
    public bool TryHit(DateTimeOffset now, int units, int limit)
    {
        Roll(now);
        if (Rate(now) + units > limit) return false;
        _current += units;
        return true;
    }

    public double Rate(DateTimeOffset now)
    {
        Roll(now);
        var intoMinute = (now.ToUnixTimeMilliseconds() % 60_000) / 60_000.0;
        return _current + _previous * (1 - intoMinute);
    }

    /// <summary>True when nothing has been counted for two minutes: the counter can be dropped.</summary>
    public bool IsIdle(DateTimeOffset now)
    {
        Roll(now);
        return _current == 0 && _previous == 0;
    }

    private void Roll(DateTimeOffset now)
    {
        var minute = now.ToUnixTimeMilliseconds() / 60_000;
        if (minute == _minute) return;
        _previous = minute == _minute + 1 ? _current : 0;
        _current = 0;
        _minute = minute;
    }
}
