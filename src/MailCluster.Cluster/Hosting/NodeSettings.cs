using MailCluster.Cluster.Inbound.Listener;
using MailCluster.Cluster.Policy;
using MailCluster.Cluster.Delivery;
using MailCluster.Cluster.Queue;
using MailCluster.Core.Routing;

namespace MailCluster.Cluster.Hosting;

public sealed record TlsSettings(string CertificatePath, string CertificatePassword, bool GenerateDevelopmentCertificate);

public sealed record StorageSettings(string Provider, string SqlitePath, string JournalPath, TimeSpan BusyTimeout, TimeSpan WriteTimeout);

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
    TimeSpan ShutdownGrace = default);
