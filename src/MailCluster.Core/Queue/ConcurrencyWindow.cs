namespace MailCluster.Core.Queue;

/// <summary>
/// How many deliveries may run in parallel to one destination, adjusted by feedback like Postfix's queue manager:
/// start at <see cref="ConcurrencyOptions.Initial"/>, grow by one per success up to the maximum, halve on a
/// connection-level failure (a refused or timed-out connection, a 421 greeting; not a recipient's 5xx, which says
/// nothing about the host's capacity). After <see cref="ConcurrencyOptions.DeadAfterFailures"/> failures in a row the
/// destination is "dead": nothing is started until <see cref="ConcurrencyOptions.DeadBackoff"/> has passed, then a
/// single probe runs (the limit is 1 by then). A failed probe makes it dead again at once; a success revives it.
/// Not thread-safe: one destination's queue owns one window.
/// </summary>
public sealed class ConcurrencyWindow(ConcurrencyOptions? options = null)
{
    private readonly ConcurrencyOptions _options = options ?? ConcurrencyOptions.Default;

    public int Limit { get; private set; } = (options ?? ConcurrencyOptions.Default).Initial;
    public int ConsecutiveFailures { get; private set; }

    /// <summary>Set while the destination is dead: no new delivery before this instant.</summary>
    public DateTimeOffset? DeadUntil { get; private set; }

    public bool IsDead(DateTimeOffset now) => DeadUntil is { } until && now < until;

    /// <summary>Whether one more delivery may start while <paramref name="inFlight"/> are running.</summary>
    public bool CanStart(int inFlight, DateTimeOffset now) => !IsDead(now) && inFlight < Limit;

    /// <summary>How many more deliveries may start now.</summary>
    public int Available(int inFlight, DateTimeOffset now) => IsDead(now) ? 0 : Math.Max(0, Limit - inFlight);

    /// <summary>A delivery got through (the host accepted the connection and the transaction).</summary>
    public void OnSuccess()
    {
        ConsecutiveFailures = 0;
        DeadUntil = null;
        Limit = Math.Min(_options.Maximum, Limit + 1);
    }

    /// <summary>A connection-level failure. Returns true when this failure made the destination dead.</summary>
    public bool OnConnectionFailure(DateTimeOffset now)
    {
        ConsecutiveFailures++;
        Limit = Math.Max(1, Limit / 2);
        if (ConsecutiveFailures < _options.DeadAfterFailures) return false;
        DeadUntil = now + _options.DeadBackoff;
        Limit = 1;
        return true;
    }
}
