using System.Net;
using DnsClient;

namespace MailCluster.Core.Dnsbl;

/// <summary><see cref="IDnsblLookup"/> over DnsClient, asking only the configured servers.</summary>
public sealed class DnsClientDnsblLookup : IDnsblLookup
{
    // RFC 5782 section 2.3: listings are 127.0.0.0/8; anything else means the "answer" came from
    // something other than the list (typically a resolver that rewrites NXDOMAIN to an ad server).
    private static readonly IPNetwork ListingCodes = IPNetwork.Parse("127.0.0.0/8");

    private readonly LookupClient _client;

    public DnsClientDnsblLookup(DnsblLookupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Servers is null || options.Servers.Count == 0)
            throw new ArgumentException("At least one DNS server is required; system resolvers are never used.", nameof(options));
        if (options.Timeout <= TimeSpan.Zero || options.Timeout == System.Threading.Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "Timeout must be positive and finite.");
        if (options.Retries < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.Retries, "Retries must not be negative.");

        _client = new LookupClient(new LookupClientOptions(options.Servers.ToArray())
        {
            // The ctor already turns this off for explicit servers; restated so no edit can bring the system resolvers back.
            AutoResolveNameServers = false,
            // Listings change within minutes and the local resolver caches anyway.
            UseCache = false,
            Timeout = options.Timeout,
            Retries = options.Retries,
            UseTcpFallback = true,
            // Errors come back as response codes so NXDOMAIN (not listed) is told apart from SERVFAIL (defer).
            ThrowDnsErrors = false,
            // A SERVFAIL or empty answer is the list's answer; asking another server would only add latency.
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
        });
    }

    public async Task<DnsblResult> CheckAsync(IPAddress client, IReadOnlyList<DnsblZone> zones, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(zones);
        var results = await Task.WhenAll(zones.Select(zone => CheckZoneAsync(client, zone, ct)));
        ct.ThrowIfCancellationRequested();
        return DnsblResult.Combine(results);
    }

    private async Task<DnsblResult> CheckZoneAsync(IPAddress client, DnsblZone zone, CancellationToken ct)
    {
        var name = DnsblQueryName.For(client, zone.Zone);
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(name, QueryType.A, QueryClass.IN, ct);
        }
        catch (Exception e) when (ct.IsCancellationRequested && e is not OperationCanceledException)
        {
            throw new OperationCanceledException("DNSBL lookup cancelled.", e, ct);
        }
        // Broad on purpose: DnsClient reports timeouts as DnsResponseException but socket and
        // I/O errors can surface as-is; every one of them means "could not decide" and must defer.
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return new LookupFailed(zone.Zone, e is DnsResponseException dns ? $"{dns.Code}: {dns.Message}" : e.Message);
        }

        return await InterpretAsync(zone, name, response, ct);
    }

    private async Task<DnsblResult> InterpretAsync(DnsblZone zone, string name, IDnsQueryResponse response, CancellationToken ct)
    {
        var rcode = response.Header.ResponseCode;
        if (rcode == DnsHeaderResponseCode.NotExistentDomain) return new NotListed();
        if (rcode != DnsHeaderResponseCode.NoError)
            return new LookupFailed(zone.Zone, $"{rcode}: {response.ErrorMessage}");

        var codes = response.Answers.ARecords().Select(a => a.Address).ToList();
        var outside = codes.FirstOrDefault(code => !ListingCodes.Contains(code));
        if (outside is not null)
            return new LookupFailed(zone.Zone, $"answer {outside} is outside 127.0.0.0/8, so it is not a listing (RFC 5782)");

        var listedCode = codes.FirstOrDefault(code => zone.MatchCodes is null || zone.MatchCodes.Contains(code));
        if (listedCode is null) return new NotListed();
        return new Listed(zone.Zone, listedCode, await TryTxtAsync(name, ct));
    }

    /// <summary>The entry's TXT text, or null. A missing or failed TXT never undoes the A listing.</summary>
    private async Task<string?> TryTxtAsync(string name, CancellationToken ct)
    {
        try
        {
            var response = await _client.QueryAsync(name, QueryType.TXT, QueryClass.IN, ct);
            var texts = response.Answers.TxtRecords().Select(txt => string.Concat(txt.Text)).ToList();
            return texts.Count == 0 ? null : string.Join("; ", texts);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
