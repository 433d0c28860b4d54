using System.Net;
using DnsClient;

namespace MailCluster.Core.SenderAuth;

/// <summary>
/// <see cref="ITxtResolver"/> over DnsClient. Answers are cached for their TTL (DnsClient's cache), so a burst of mail
/// from one sender costs one lookup per key; failures are cached briefly, so a dead resolver is not hammered.
/// </summary>
public sealed class DnsClientTxtResolver : ITxtResolver
{
    private readonly LookupClient _client;

    /// <param name="servers">Resolvers to ask; empty means the system's.</param>
    public DnsClientTxtResolver(IReadOnlyList<IPEndPoint> servers, TimeSpan timeout, int attempts)
    {
        var options = servers.Count > 0 ? new LookupClientOptions(servers.ToArray()) : new LookupClientOptions();
        options.UseCache = true;
        options.CacheFailedResults = true;
        options.FailedResultsCacheDuration = TimeSpan.FromSeconds(5);
        options.Timeout = timeout;
        options.Retries = Math.Max(0, attempts - 1);
        options.UseTcpFallback = true;
        // Errors come back as response codes, so NXDOMAIN (nothing published) is told apart from SERVFAIL (temperror).
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = false;
        options.ContinueOnEmptyResponse = false;
        _client = new LookupClient(options);
    }

    public async Task<TxtLookup> LookupTxtAsync(string name, CancellationToken ct)
    {
        IDnsQueryResponse response;
        try { response = await _client.QueryAsync(name, QueryType.TXT, QueryClass.IN, ct); }
        catch (DnsResponseException ex) { return TxtLookup.Failed(ex.Message); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return TxtLookup.Failed("timeout"); }
        if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain) return TxtLookup.NotFound;
        if (response.HasError) return TxtLookup.Failed(response.ErrorMessage);
        var records = response.Answers.TxtRecords().Select(r => string.Concat(r.Text)).ToList();
        return records.Count == 0 ? TxtLookup.NotFound : new TxtLookup(TxtLookupStatus.Found, records);
    }
}
