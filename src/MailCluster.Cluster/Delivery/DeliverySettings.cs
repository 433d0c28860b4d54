using System.Net;
using MailCluster.Core.Delivery.Client;

namespace MailCluster.Cluster.Delivery;

/// <summary>mailcluster.delivery: how this node talks to next hops.</summary>
public sealed record DeliverySettings(
    string MaildirRoot,
    string HeloName,
    int MxPort,
    SmtpTlsMode Tls,
    TimeSpan ConnectTimeout,
    TimeSpan CommandTimeout,
    TimeSpan DataTimeout,
    IReadOnlyList<IPEndPoint> DnsServers,
    TimeSpan DnsTimeout,
    int DnsAttempts);
