using System.Net;
using MailCluster.Smtp.Session;

namespace MailCluster.Cluster.Inbound.Listener;

/// <summary>Per-session timeouts, each a limit on one read.</summary>
public sealed record SmtpTimeouts(TimeSpan Command, TimeSpan Data, TimeSpan TlsHandshake)
{
    public static SmtpTimeouts Rfc5321 { get; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(30));
}

/// <summary>One SMTP listener (mailcluster.smtp.listeners.NAME) with its effective limits and timeouts.</summary>
public sealed record ListenerSettings(
    string Name,
    IPEndPoint Endpoint,
    bool StartTls,
    int MaxConnections,
    int MaxConnectionsPerIp,
    SessionLimits Limits,
    SmtpTimeouts Timeouts,
    MailCluster.Core.Policy.NetworkList? PerIpLimitExceptions = null);
