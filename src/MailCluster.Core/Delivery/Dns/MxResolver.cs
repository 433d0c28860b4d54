using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace MailCluster.Core.Delivery.Dns;

/// <summary>
/// Finds where mail for a domain goes (RFC 5321 section 5.1): MX hosts by preference (shuffled among equal
/// preferences), each with its A and AAAA addresses; the domain's own addresses when it has no MX; or why
/// there is nowhere to go (null MX, NXDOMAIN, no addresses, temporary failure). Asks only the configured servers.
/// </summary>
public sealed class MxResolver
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    private readonly ILookupClient _client;
    private readonly bool _useIPv6;

    public MxResolver(IReadOnlyList<IPEndPoint> servers, TimeSpan timeout, int retries)
        : this(new MxResolverOptions(servers, timeout, retries)) { }

    public MxResolver(MxResolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Servers is null || options.Servers.Count == 0)
            throw new ArgumentException("At least one DNS server is required; system resolvers are never used.", nameof(options));
        if (options.Timeout <= TimeSpan.Zero || options.Timeout == Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "Timeout must be positive and finite.");
        if (options.Retries < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.Retries, "Retries must not be negative.");

        _useIPv6 = options.UseIPv6;
        _client = new LookupClient(new LookupClientOptions(options.Servers.ToArray())
        {
            AutoResolveNameServers = false,
            UseCache = options.UseCache,
            Timeout = options.Timeout,
            Retries = options.Retries,
            UseTcpFallback = true,
            // Errors come back as response codes so NXDOMAIN (bounce) is told apart from SERVFAIL (defer).
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
        });
    }

    /// <summary>Uses a client configured elsewhere. It must not throw on DNS errors (ThrowDnsErrors = false).</summary>
    public MxResolver(ILookupClient client, bool useIPv6 = true)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _useIPv6 = useIPv6;
    }

    /// <summary>
    /// The mail hosts for <paramref name="domain"/>. A domain literal ("[192.0.2.1]", "[IPv6:2001:db8::1]")
    /// resolves to itself without DNS. Cancellation throws; every DNS problem is reported in the result.
    /// </summary>
    public async Task<MxResolution> ResolveAsync(string domain, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (TryParseAddressLiteral(domain, out var literal))
            return new MxResolution(domain, MxResolutionKind.Resolved, [new MxHost(literal.ToString(), 0, [literal])], "address literal");
        if (!TryToAscii(domain, out var name))
            return MxResolution.Fail(domain, MxResolutionKind.NoSuchDomain, $"Invalid domain name {domain}");

        var mx = await QueryAsync(name, QueryType.MX, ct);
        switch (mx.State)
        {
            case LookupState.NxDomain: return MxResolution.Fail(name, MxResolutionKind.NoSuchDomain, mx.Detail);
            case LookupState.Temporary: return MxResolution.Fail(name, MxResolutionKind.TemporaryFailure, mx.Detail);
        }

        var records = mx.Response!.Answers.MxRecords().ToList();
        if (records.Count == 0)
        {
            // RFC 5321 section 5.1: no MX means the domain itself is the implicit MX.
            var self = await ResolveHostAsync(name, ct);
            return self with { ImplicitMx = self.Succeeded };
        }

        // RFC 7505: a null MX says "no mail here". Mixed with real MX records it is a misconfiguration; the real ones win.
        var real = records.Where(r => TrimDot(r.Exchange.Value).Length > 0).ToList();
        if (real.Count == 0)
            return MxResolution.Fail(name, MxResolutionKind.NullMx, $"Domain {name} has a null MX (RFC 7505)");

        var ordered = real
            .GroupBy(r => r.Preference)
            .OrderBy(g => g.Key)
            .SelectMany(g => g.OrderBy(_ => Random.Shared.Next()))
            .Select(r => (Name: TrimDot(r.Exchange.Value), Preference: (int)r.Preference))
            .DistinctBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();

        var lookups = await Task.WhenAll(ordered.Select(h => LookupAddressesAsync(h.Name, ct)));
        var hosts = new List<MxHost>();
        string? temporary = null, permanent = null;
        for (var i = 0; i < ordered.Count; i++)
        {
            var (addresses, state, detail) = lookups[i];
            if (addresses.Count > 0) hosts.Add(new MxHost(ordered[i].Name, ordered[i].Preference, addresses));
            else if (state == LookupState.Temporary) temporary ??= detail;
            else permanent ??= detail;
        }
        if (hosts.Count > 0) return new MxResolution(name, MxResolutionKind.Resolved, hosts, $"{hosts.Count} MX host(s)");
        // If any host might have addresses after all, wait for DNS to recover rather than bounce.
        return temporary is not null
            ? MxResolution.Fail(name, MxResolutionKind.TemporaryFailure, temporary)
            : MxResolution.Fail(name, MxResolutionKind.NoAddresses, permanent ?? $"No address for any MX host of {name}");
    }

    /// <summary>
    /// The A/AAAA addresses of one host (no MX lookup), as a one-host resolution: used for literal routes
    /// ("[smtp.example]:587") and for the implicit MX. An IP address (bracketed or not) resolves to itself.
    /// </summary>
    public async Task<MxResolution> ResolveHostAsync(string host, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (TryParseAddressLiteral(host, out var literal) || IPAddress.TryParse(host, out literal))
            return new MxResolution(host, MxResolutionKind.Resolved, [new MxHost(literal.ToString(), 0, [literal])], "address literal");
        if (!TryToAscii(host, out var name))
            return MxResolution.Fail(host, MxResolutionKind.NoSuchDomain, $"Invalid host name {host}");

        var (addresses, state, detail) = await LookupAddressesAsync(name, ct);
        if (addresses.Count > 0) return new MxResolution(name, MxResolutionKind.Resolved, [new MxHost(name, 0, addresses)], detail);
        return MxResolution.Fail(name, state switch
        {
            LookupState.NxDomain => MxResolutionKind.NoSuchDomain,
            LookupState.Temporary => MxResolutionKind.TemporaryFailure,
            _ => MxResolutionKind.NoAddresses,
        }, detail);
    }

    private enum LookupState { Ok, NxDomain, Temporary }

    private readonly record struct Lookup(IDnsQueryResponse? Response, LookupState State, string Detail);

    /// <summary>A then AAAA (in parallel); IPv4 addresses first. State is the worst one seen when nothing was found.</summary>
    private async Task<(IReadOnlyList<IPAddress> Addresses, LookupState State, string Detail)> LookupAddressesAsync(string name, CancellationToken ct)
    {
        var aTask = QueryAsync(name, QueryType.A, ct);
        var aaaaTask = _useIPv6 ? QueryAsync(name, QueryType.AAAA, ct) : null;
        var a = await aTask;
        var addresses = new List<IPAddress>();
        if (a.State == LookupState.Ok) addresses.AddRange(a.Response!.Answers.ARecords().Select(r => r.Address));
        Lookup? aaaa = aaaaTask is null ? null : await aaaaTask;
        if (aaaa is { State: LookupState.Ok } six) addresses.AddRange(six.Response!.Answers.AaaaRecords().Select(r => r.Address));
        if (addresses.Count > 0) return (addresses.Distinct().ToList(), LookupState.Ok, $"{addresses.Count} address(es) for {name}");

        if (a.State == LookupState.Temporary) return ([], LookupState.Temporary, a.Detail);
        if (aaaa is { State: LookupState.Temporary } t) return ([], LookupState.Temporary, t.Detail);
        if (a.State == LookupState.NxDomain) return ([], LookupState.NxDomain, a.Detail);
        return ([], LookupState.Ok, $"Name service error for name={name} type=A: No address associated with hostname");
    }

    private async Task<Lookup> QueryAsync(string name, QueryType type, CancellationToken ct)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(name, type, QueryClass.IN, ct);
        }
        catch (Exception e) when (ct.IsCancellationRequested && e is not OperationCanceledException)
        {
            throw new OperationCanceledException("DNS lookup cancelled.", e, ct);
        }
        // Timeouts arrive as DnsResponseException, socket trouble as-is: all of it means "try again later".
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var why = e is DnsResponseException dns ? $"{dns.Code}: {dns.Message}" : e.Message;
            return new Lookup(null, LookupState.Temporary, $"Name service error for name={name} type={type}: {why}");
        }

        return response.Header.ResponseCode switch
        {
            DnsHeaderResponseCode.NoError => new Lookup(response, LookupState.Ok, ""),
            DnsHeaderResponseCode.NotExistentDomain => new Lookup(response, LookupState.NxDomain,
                $"Name service error for name={name} type={type}: Host not found"),
            var code => new Lookup(response, LookupState.Temporary,
                $"Name service error for name={name} type={type}: Host not found, try again ({code})"),
        };
    }

    /// <summary>"[192.0.2.1]" or "[IPv6:2001:db8::1]" (RFC 5321 section 4.1.3).</summary>
    internal static bool TryParseAddressLiteral(string text, out IPAddress address)
    {
        address = IPAddress.None;
        var t = text.Trim();
        if (t.Length < 3 || t[0] != '[' || t[^1] != ']') return false;
        var inner = t[1..^1];
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
            return IPAddress.TryParse(inner[5..], out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
        return IPAddress.TryParse(inner, out address!) && address.AddressFamily == AddressFamily.InterNetwork;
    }

    private static bool TryToAscii(string domain, out string ascii)
    {
        ascii = "";
        var trimmed = TrimDot(domain.Trim());
        if (trimmed.Length == 0) return false;
        try
        {
            ascii = Idn.GetAscii(trimmed).ToLowerInvariant();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string TrimDot(string name) => name.EndsWith('.') ? name[..^1] : name;
}
