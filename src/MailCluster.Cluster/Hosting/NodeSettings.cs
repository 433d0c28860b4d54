using MailCluster.Cluster.Admin;
using MailCluster.Cluster.Inbound.Listener;
using MailCluster.Cluster.Policy;
using MailCluster.Cluster.Delivery;
using MailCluster.Cluster.Logging;
using MailCluster.Cluster.Queue;
using MailCluster.Core.Auth;
using MailCluster.Core.Routing;

namespace MailCluster.Cluster.Hosting;

public sealed record TlsSettings(string CertificatePath, string CertificatePassword, bool GenerateDevelopmentCertificate);

/// <param name="Provider">"sqlite" (one node) or "postgresql" (a cluster shares one database).</param>
/// <param name="PostgresConnectionString">Npgsql connection string when Provider is postgresql.</param>
/// <param name="AutoMigrate">Create missing tables on start (else run `mailcluster-node migrate` first).</param>
/// <param name="MaxPendingWrites">Writes in progress at which ingress stops taking new mail (451 4.3.0 / 421 4.3.2).</param>
public sealed record StorageSettings(string Provider, string SqlitePath, string JournalPath, TimeSpan BusyTimeout, TimeSpan WriteTimeout,
    string PostgresConnectionString = "", bool AutoMigrate = true, int MaxPendingWrites = 256)
{
    public bool IsPostgres => Provider == "postgresql";
}

/// <summary>Everything a node reads from mailcluster.*, validated. Build with <see cref="NodeSettingsLoader"/>.</summary>
public sealed record NodeSettings(
    string HostName,
    string DataDir,
    IReadOnlyList<string> LocalDomains,
    IReadOnlyList<ListenerSettings> Listeners,
    TlsSettings Tls,
    StorageSettings Storage,
    PolicySnapshot Policy,
    TimeSpan PolicyTimeout,
    RoutingTable Routing,
    QueueSettings Queue,
    DeliverySettings Delivery,
    ClusterSettings Cluster,
    TimeSpan ShutdownGrace = default,
    Discovery.DiscoverySettings? Discovery = null,
    AdminSettings? Admin = null,
    LoggingSettings? Logging = null,
    PasswordCheckLimits? PasswordChecks = null)
{
    /// <summary>Outbound DKIM signing (mailcluster.dkim); none configured signs nothing.</summary>
    public MailCluster.Core.Dkim.DkimSigningSettings Dkim { get; init; } = MailCluster.Core.Dkim.DkimSigningSettings.None;

    /// <summary>Seeds on a shared PostgreSQL: joining goes through the formation lease (Hosting/Formation).</summary>
    public bool UsesFormationLease => Storage.IsPostgres && Cluster.SeedNodes.Count > 0 && Cluster.FormationLease.Enabled
                                      && Discovery?.IsKubernetes != true;

    /// <summary>mailcluster.tracing: OpenTelemetry spans over OTLP, off without an endpoint.</summary>
    public Tracing.TracingSettings Tracing { get; init; } = MailCluster.Cluster.Tracing.TracingSettings.Off;

    /// <summary>The MX-side checks (mailcluster.sender-auth); null (tools, tests) checks nothing.</summary>
    public SenderAuth.SenderAuthSettings? SenderAuth { get; init; }
}
