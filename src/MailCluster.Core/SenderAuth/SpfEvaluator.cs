using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using ARSoft.Tools.Net.Spf;
using ArDnsClient = ARSoft.Tools.Net.Dns.DnsClient;

namespace MailCluster.Core.SenderAuth;

/// <summary>
/// SPF (RFC 7208) over ARSoft.Tools.Net's evaluator, which does the mechanisms, modifiers, macros and the 10-lookup
/// limit; the 2-void-lookup limit (4.6.4), which it lacks, is counted here around its resolver. Lookups go to the
/// configured resolvers through one caching stub resolver, so answers are shared across messages for their TTL.
/// </summary>
public sealed class SpfEvaluator(IDnsResolver resolver, string localDomain)
{
    /// <summary>RFC 7208 4.6.4: more void lookups than this is a permerror.</summary>
    public const int VoidLookupLimit = 2;

    /// <summary>RFC 7208 4.6.4: more DNS-querying terms than this is a permerror.</summary>
    public const int DnsLookupLimit = 10;

    /// <summary>A resolver for the given servers (address:port; empty: the system's), with a cache that honours TTLs.</summary>
    public static IDnsResolver CreateResolver(IReadOnlyList<IPEndPoint> servers, TimeSpan timeout)
    {
        var ms = (int)Math.Clamp(timeout.TotalMilliseconds, 100, 60_000);
        if (servers.Count == 0) return new DnsStubResolver();
        // One port for all: ARSoft's transports are per port, and every resolver of a node listens on the same one.
        var port = servers[0].Port;
        var client = new ArDnsClient(servers.Where(s => s.Port == port).Select(s => s.Address).ToList(),
            [new UdpClientTransport(port), new TcpClientTransport(port)], true, ms);
        return new DnsStubResolver(client);
    }

    /// <summary>check_host() for the MAIL FROM identity, or for postmaster@HELO when the reverse path is null (RFC 7208 2.4).</summary>
    public Task<SpfVerdict> CheckMailFromAsync(IPAddress client, string heloName, string mailFrom, CancellationToken ct)
    {
        if (mailFrom.Length == 0) return CheckAsync(client, heloName, SpfIdentity.MailFrom, heloName, $"postmaster@{heloName}", ct);
        var at = mailFrom.LastIndexOf('@');
        return CheckAsync(client, heloName, SpfIdentity.MailFrom, at < 0 ? "" : mailFrom[(at + 1)..], mailFrom, ct);
    }

    /// <summary>check_host() for the HELO identity (RFC 7208 2.3).</summary>
    public Task<SpfVerdict> CheckHeloAsync(IPAddress client, string heloName, CancellationToken ct) =>
        CheckAsync(client, heloName, SpfIdentity.Helo, heloName, $"postmaster@{heloName}", ct);

    private async Task<SpfVerdict> CheckAsync(IPAddress client, string heloName, SpfIdentity identity, string domain, string sender, CancellationToken ct)
    {
        domain = domain.TrimEnd('.').ToLowerInvariant();
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        // RFC 7208 4.3: a domain that is not a multi-label FQDN (an address literal, a bare word) gives none.
        if (!IsFqdn(domain)) return new SpfVerdict(AuthResult.None, identity, domain, "not a domain name");
        var counting = new VoidLookupCounter(resolver);
        var validator = new SpfValidator
        {
            DnsResolver = counting,
            DnsLookupLimit = DnsLookupLimit,
            LocalDomain = DomainName.Parse(localDomain),
            HeloDomain = IsFqdn(heloName) ? DomainName.Parse(heloName) : null,
        };
        ValidationResult result;
        try { result = await validator.CheckHostAsync(client, DomainName.Parse(domain), sender, false, ct); }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new SpfVerdict(AuthResult.TempError, identity, domain, $"DNS: {ex.Message}");
        }
        if (counting.VoidLookups > VoidLookupLimit)
            return new SpfVerdict(AuthResult.PermError, identity, domain, $"more than {VoidLookupLimit} void lookups");
        var outcome = result.Result switch
        {
            SpfQualifier.Pass => AuthResult.Pass,
            SpfQualifier.Fail => AuthResult.Fail,
            SpfQualifier.SoftFail => AuthResult.SoftFail,
            SpfQualifier.Neutral => AuthResult.Neutral,
            SpfQualifier.TempError => AuthResult.TempError,
            SpfQualifier.PermError => AuthResult.PermError,
            _ => AuthResult.None,
        };
        return new SpfVerdict(outcome, identity, domain, Reason(outcome, client, domain));
    }

    private static string Reason(AuthResult result, IPAddress client, string domain) => result switch
    {
        AuthResult.Pass => $"{domain} designates {client} as permitted sender",
        AuthResult.Fail => $"{domain} does not designate {client} as permitted sender",
        AuthResult.SoftFail => $"{domain} does not designate {client} (softfail)",
        AuthResult.Neutral => $"{domain} says nothing about {client}",
        AuthResult.None => $"{domain} publishes no SPF record",
        AuthResult.TempError => $"DNS lookup for {domain}'s record failed",
        _ => $"{domain}'s SPF record cannot be evaluated",
    };

    private static bool IsFqdn(string name) =>
        name.Contains('.') && !IPAddress.TryParse(name.Trim('[', ']'), out _) && DomainName.TryParse(name, out _);

    /// <summary>Counts the answers with no records (NXDOMAIN or NODATA) to the lookups of mechanisms (a, mx, ptr, exists).</summary>
    private sealed class VoidLookupCounter(IDnsResolver inner) : IDnsResolver
    {
        private int _voids;

        public int VoidLookups => Volatile.Read(ref _voids);

        public List<T> Resolve<T>(DomainName name, RecordType recordType = RecordType.A, RecordClass recordClass = RecordClass.INet) where T : DnsRecordBase =>
            Count(inner.Resolve<T>(name, recordType, recordClass), recordType);

        public async Task<List<T>> ResolveAsync<T>(DomainName name, RecordType recordType = RecordType.A, RecordClass recordClass = RecordClass.INet,
            CancellationToken token = default) where T : DnsRecordBase =>
            Count(await inner.ResolveAsync<T>(name, recordType, recordClass, token), recordType);

        private List<T> Count<T>(List<T> answer, RecordType type)
        {
            if (answer.Count == 0 && type is RecordType.A or RecordType.Aaaa or RecordType.Mx or RecordType.Ptr) Interlocked.Increment(ref _voids);
            return answer;
        }

        public void ClearCache() => inner.ClearCache();

        // The inner resolver is shared by every check; it is not this wrapper's to dispose.
        public void Dispose() { }
    }
}
