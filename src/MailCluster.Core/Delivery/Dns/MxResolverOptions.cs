using System.Net;

namespace MailCluster.Core.Delivery.Dns;

/// <summary>How <see cref="MxResolver"/> talks to DNS.</summary>
/// <param name="Servers">The resolvers to ask; at least one. The system resolvers are never used implicitly.</param>
/// <param name="Timeout">Time allowed for one attempt against one server.</param>
/// <param name="Retries">Extra attempts per server after a timeout or network error (0 = one try).</param>
public sealed record MxResolverOptions(IReadOnlyList<IPEndPoint> Servers, TimeSpan Timeout, int Retries)
{
    /// <summary>Ask AAAA as well as A for each mail host. IPv4 addresses are tried first either way.</summary>
    public bool UseIPv6 { get; init; } = true;

    /// <summary>Let DnsClient cache answers for their TTL.</summary>
    public bool UseCache { get; init; } = true;
}
