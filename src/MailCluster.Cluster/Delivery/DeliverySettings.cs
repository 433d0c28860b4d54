using System.Net;

namespace MailCluster.Cluster.Delivery;

public enum StartTlsMode { Opportunistic, Required, Disabled }

/// <summary>mailcluster.delivery: how this node talks to next hops.</summary>
public sealed record DeliverySettings(
    string MaildirRoot,
    string HeloName,
    int MxPort,
    StartTlsMode Tls,
    TimeSpan ConnectTimeout,
    TimeSpan CommandTimeout,
    TimeSpan DataTimeout,
    IReadOnlyList<IPEndPoint> DnsServers,
    TimeSpan DnsTimeout,
    int DnsAttempts);
