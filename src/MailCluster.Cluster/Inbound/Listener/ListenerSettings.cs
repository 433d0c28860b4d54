using System.Net;
using MailCluster.Smtp.Session;
using MailCluster.Smtp.Transport;

namespace MailCluster.Cluster.Inbound.Listener;

/// <summary>Per-session timeouts, each a limit on one read.</summary>
public sealed record SmtpTimeouts(TimeSpan Command, TimeSpan Data, TimeSpan TlsHandshake)
{
    public static SmtpTimeouts Rfc5321 { get; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(30));

    /// <summary>A command line, once its first octet is in, must be complete within this (timeouts.command-line-deadline).</summary>
    public TimeSpan CommandLineDeadline { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Replaces <see cref="Command"/> while the listener is under stress (timeouts.command-under-stress).</summary>
    public TimeSpan CommandUnderStress { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait for the next command: shorter under stress, as with Postfix's ${stress?{10}:{300}}s.</summary>
    public TimeSpan CommandTimeout(bool underStress) =>
        underStress && CommandUnderStress < Command ? CommandUnderStress : Command;
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
    MailCluster.Core.Policy.NetworkList? PerIpLimitExceptions = null)
{
    /// <summary>The fraction of <see cref="MaxConnections"/> at which the listener is under stress (limits.stress-threshold).</summary>
    public double StressThreshold { get; init; } = 0.8;

    /// <summary>implicit-tls: TLS from the first octet (RFC 8314 submissions, port 465); the greeting comes over TLS.</summary>
    public bool ImplicitTls { get; init; }

    /// <summary>The minimum data rate for DATA and BDAT (limits.min-data-rate, limits.min-data-rate-grace).</summary>
    public DataRateLimit MinDataRate { get; init; } = DataRateLimit.Default;
}
