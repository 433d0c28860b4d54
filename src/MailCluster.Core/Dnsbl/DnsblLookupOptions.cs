using System.Net;

namespace MailCluster.Core.Dnsbl;

/// <summary>How <see cref="DnsClientDnsblLookup"/> talks to DNS.</summary>
/// <param name="Servers">
/// The resolvers to ask; at least one. There is deliberately no "use the system resolvers"
/// default: public DNSBLs refuse queries arriving via big shared resolvers, and tests must be
/// able to pin every query to a local stub.
/// </param>
/// <param name="Timeout">Time allowed for one attempt against one server.</param>
/// <param name="Retries">Extra attempts per server after a timeout or network error (0 = one try).</param>
public sealed record DnsblLookupOptions(IReadOnlyList<IPEndPoint> Servers, TimeSpan Timeout, int Retries);
