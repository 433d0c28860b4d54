using System.Net;

namespace MailCluster.Cluster.SenderAuth;

/// <summary>mailcluster.sender-auth: the checks made on mail from clients that are not ours.</summary>
/// <param name="AuthservId">Names us in Authentication-Results (RFC 8601); the same on every node of a cluster.</param>
/// <param name="DnsServers">Resolvers for key and policy lookups; empty: the system's.</param>
public sealed record SenderAuthSettings(
    bool Enabled,
    string AuthservId,
    bool VerifyDkim,
    int MaxSignatures,
    IReadOnlyList<IPEndPoint> DnsServers,
    TimeSpan DnsTimeout,
    int DnsAttempts);
