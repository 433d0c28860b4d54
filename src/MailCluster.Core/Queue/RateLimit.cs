namespace MailCluster.Core.Queue;

/// <param name="MessagesPerSecond">0 = no limit.</param>
/// <param name="MessagesPerMinute">0 = no limit.</param>
/// <param name="ConnectionsPerMinute">New connections (each a connect and EHLO); 0 = no limit.</param>
public sealed record RateLimit(double MessagesPerSecond, double MessagesPerMinute, double ConnectionsPerMinute)
{
    public static readonly RateLimit None = new(0, 0, 0);

    public bool IsLimited => MessagesPerSecond > 0 || MessagesPerMinute > 0 || ConnectionsPerMinute > 0;

    /// <summary>One partition's share of each rate.</summary>
    public RateLimit Share(int partitions) => new(PartitionShare.Of(MessagesPerSecond, partitions),
        PartitionShare.Of(MessagesPerMinute, partitions), PartitionShare.Of(ConnectionsPerMinute, partitions));
}

/// <summary>
/// A token bucket: <c>ratePerSecond</c> tokens a second, at most <c>capacity</c> saved up (the burst). Rate 0 means
/// unlimited. Pure: the caller passes the time, so it is tested without a clock.
/// </summary>
public sealed class TokenBucket(double ratePerSecond, double capacity, DateTimeOffset start)
{
    private double _tokens = ratePerSecond > 0 ? Math.Max(1, capacity) : 0;
    private DateTimeOffset _at = start;
    private readonly double _capacity = Math.Max(1, capacity);
    /// <summary>Floating-point slack: a token refilled over exactly its interval may add up to 0.9999999.</summary>
    private const double Epsilon = 1e-6;

    public bool IsUnlimited => ratePerSecond <= 0;

    public bool TryTake(DateTimeOffset now)
    {
        if (IsUnlimited) return true;
        Refill(now);
        if (_tokens < 1 - Epsilon) return false;
        _tokens = Math.Max(0, _tokens - 1);
        return true;
    }

    /// <summary>When the next token is there (now if one is); null when unlimited.</summary>
    public DateTimeOffset? NextTokenAt(DateTimeOffset now)
    {
        if (IsUnlimited) return null;
        Refill(now);
        if (_tokens >= 1 - Epsilon) return now;
        // Rounded up to the tick, so a caller that comes back at that moment finds the token there.
        return now + TimeSpan.FromTicks((long)Math.Ceiling((1 - _tokens) / ratePerSecond * TimeSpan.TicksPerSecond));
    }

    private void Refill(DateTimeOffset now)
    {
        if (now <= _at) return;
        _tokens = Math.Min(_capacity, _tokens + (now - _at).TotalSeconds * ratePerSecond);
        _at = now;
    }
}

/// <summary>
/// A destination's rate limits at work: a message may start when every message bucket has a token, a new connection
/// when the connection bucket has one too. A per-minute limit may be used in a burst (up to its share of the minute).
/// </summary>
public sealed class DestinationRateLimiter
{
    private readonly TokenBucket _perSecond;
    private readonly TokenBucket _perMinute;
    private readonly TokenBucket _connections;

    public DestinationRateLimiter(RateLimit limit, DateTimeOffset now)
    {
        _perSecond = new TokenBucket(limit.MessagesPerSecond, limit.MessagesPerSecond, now);
        _perMinute = new TokenBucket(limit.MessagesPerMinute / 60, limit.MessagesPerMinute, now);
        _connections = new TokenBucket(limit.ConnectionsPerMinute / 60, limit.ConnectionsPerMinute, now);
    }

    /// <summary>Takes a message token from both message buckets, or neither.</summary>
    public bool TryStartMessage(DateTimeOffset now)
    {
        if (_perSecond.NextTokenAt(now) is { } a && a > now) return false;
        if (_perMinute.NextTokenAt(now) is { } b && b > now) return false;
        _perSecond.TryTake(now);
        _perMinute.TryTake(now);
        return true;
    }

    /// <summary>Whether a new connection could open now, without taking the token (the message may still be refused).</summary>
    public bool CanConnect(DateTimeOffset now) => _connections.NextTokenAt(now) is not { } at || at <= now;

    public void Connected(DateTimeOffset now) => _connections.TryTake(now);

    /// <summary>When a message refused now could start; null when messages are unlimited.</summary>
    public DateTimeOffset? NextMessageAt(DateTimeOffset now) => Later(_perSecond.NextTokenAt(now), _perMinute.NextTokenAt(now));

    public DateTimeOffset? NextConnectionAt(DateTimeOffset now) => _connections.NextTokenAt(now);

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}
