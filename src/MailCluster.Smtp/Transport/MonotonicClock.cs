namespace MailCluster.Smtp.Transport;

/// <summary>The clock for session deadlines: monotonic, so a wall-clock step never cuts off or extends a client.</summary>
public static class MonotonicClock
{
    public static TimeSpan Now => TimeSpan.FromMilliseconds(Environment.TickCount64);
}
