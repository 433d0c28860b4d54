namespace MailCluster.Cluster.Inbound.Listener;

/// <summary>
/// How many sessions one listener has open, shared with those sessions: when the listener is nearly full, each session
/// waits only the stress timeout for its next command, so idle clients make room for new ones (Postfix's stress mode).
/// Only the listener actor counts; sessions read it when they start waiting.
/// </summary>
public sealed class ListenerLoad(int maxConnections, double stressThreshold)
{
    private int _active;

    public int Active => Volatile.Read(ref _active);

    public bool UnderStress => IsStress(Active, maxConnections, stressThreshold);

    /// <summary>Under stress from ⌈threshold × max⌉ sessions on: 1600 of 2000 at the default 0.8.</summary>
    public static bool IsStress(int active, int maxConnections, double stressThreshold) =>
        active >= Math.Max(1, Math.Ceiling(maxConnections * stressThreshold - 1e-9)); // 2000 × 0.8 is 1600.0000000000002

    internal void SessionOpened() => Interlocked.Increment(ref _active);

    internal void SessionClosed() => Interlocked.Decrement(ref _active);
}
