namespace MailCluster.Core.Routing;

/// <summary>
/// Everything <see cref="RecipientRouter"/> consults, fixed at construction (a configuration reload builds a new one).
/// </summary>
public sealed class RoutingTable
{
    private readonly HashSet<string> _local;
    private readonly HashSet<string> _relay;
    private readonly Dictionary<string, NextHop> _routes;

    /// <param name="localDomains">Domains whose mailboxes we hold. The first one qualifies a bare "postmaster".</param>
    /// <param name="relayDomains">Domains we accept mail for and pass on (backup MX, inbound gateway).</param>
    /// <param name="routes">
    /// Per-domain routes, like Postfix's transport_maps: "example.com" matches that domain only,
    /// ".example.com" any subdomain of it. An exact entry beats a subdomain entry, a closer parent beats a farther one.
    /// A route also applies to a local domain (after alias expansion), which is how one domain's mailboxes go to
    /// their own LMTP backend.
    /// </param>
    /// <param name="defaultRoute">Where other non-local mail goes (Postfix's relayhost); null means MX lookup.</param>
    /// <param name="aliases">Aliases of local addresses.</param>
    /// <param name="localTransport">Replaces local delivery for local mailboxes (e.g. lmtp:[127.0.0.1]:24).</param>
    public RoutingTable(
        IEnumerable<string> localDomains,
        IEnumerable<string>? relayDomains = null,
        IEnumerable<KeyValuePair<string, NextHop>>? routes = null,
        NextHop? defaultRoute = null,
        AliasTable? aliases = null,
        NextHop? localTransport = null)
    {
        LocalDomains = localDomains.Select(NormalizeDomain).Distinct().ToArray();
        _local = LocalDomains.ToHashSet();
        _relay = (relayDomains ?? []).Select(NormalizeDomain).ToHashSet();
        _routes = new Dictionary<string, NextHop>();
        foreach (var (pattern, hop) in routes ?? [])
        {
            var key = pattern.StartsWith('.') ? "." + NormalizeDomain(pattern[1..]) : NormalizeDomain(pattern);
            if (!_routes.TryAdd(key, hop)) throw new ArgumentException($"Route '{pattern}' is given twice.", nameof(routes));
        }
        DefaultRoute = defaultRoute;
        Aliases = aliases ?? AliasTable.Empty;
        LocalHop = localTransport ?? NextHop.Local;
    }

    public IReadOnlyList<string> LocalDomains { get; }
    public NextHop? DefaultRoute { get; }
    public AliasTable Aliases { get; }

    /// <summary>Where a local mailbox goes when no per-domain route says otherwise.</summary>
    public NextHop LocalHop { get; }

    public bool IsLocal(string domain) => _local.Contains(NormalizeDomain(domain));
    public bool IsRelay(string domain) => _relay.Contains(NormalizeDomain(domain));

    /// <summary>The per-domain route for <paramref name="domain"/>, or null.</summary>
    public NextHop? FindRoute(string domain)
    {
        var d = NormalizeDomain(domain);
        if (_routes.TryGetValue(d, out var exact)) return exact;
        for (var dot = d.IndexOf('.'); dot >= 0; dot = d.IndexOf('.', dot + 1))
            if (_routes.TryGetValue(d[dot..], out var parent)) return parent;
        return null;
    }

    private static string NormalizeDomain(string domain)
    {
        var d = domain.Trim().ToLowerInvariant();
        if (d.EndsWith('.')) d = d[..^1];
        return d.Length > 0 && !d.StartsWith('.') ? d : throw new ArgumentException($"'{domain}' is not a domain.", nameof(domain));
    }
}
