using System.Net;

namespace MailCluster.Cluster.Admin;

/// <summary>
/// mailcluster.admin: where the admin HTTP API listens, the bearer token it requires (empty: none) and the host names
/// it answers to besides its own IP literal and localhost (see <see cref="RequestGuard"/>).
/// </summary>
public sealed record AdminSettings(bool Enabled, IPEndPoint Endpoint, string Token, IReadOnlyList<string> AllowedHosts)
{
    public static AdminSettings Default { get; } = new(true, new IPEndPoint(IPAddress.Loopback, 8025), "", []);

    public bool RequiresToken => Token.Length > 0;

    /// <summary>admin.history-interval: the dashboard charts' sampling period.</summary>
    public TimeSpan HistoryInterval { get; init; } = TimeSpan.FromSeconds(10);
}
