namespace MailCluster.Core.Routing;

/// <summary>
/// Turns one accepted recipient into the final addresses and next hops it is delivered to. The relay policy has
/// already accepted it, so the domain is lowercase without a trailing dot; what is left to decide is where it goes:
/// <list type="number">
/// <item>A bare "postmaster" (RFC 5321 4.5.1) means postmaster at the first local domain.</item>
/// <item>An address literal ([192.0.2.1], [IPv6:2001:db8::1]) goes to that host, no MX lookup.</item>
/// <item>A local domain: aliases expand (targets may be local or remote and are routed in turn); a mailbox goes to
/// the domain's route if one is configured, else to the local transport (override).</item>
/// <item>Any other domain: its per-domain route, else the default route (relayhost), else the domain's MX hosts.</item>
/// </list>
/// Throws <see cref="ArgumentException"/> for an address that cannot be routed at all and
/// <see cref="AliasExpansionException"/> for a runaway alias.
/// </summary>
public static class RecipientRouter
{
    private const string Postmaster = "postmaster";

    public static IReadOnlyList<RoutedRecipient> Resolve(RoutingTable table, string recipient)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(recipient);
        var address = Qualify(table, recipient.Trim());

        var finals = table.Aliases.Expand(address, a => table.IsLocal(MailAddress.DomainOf(a)));
        var routed = new List<RoutedRecipient>(finals.Count);
        foreach (var final in finals) routed.Add(new RoutedRecipient(final, HopFor(table, final), recipient));
        return routed;
    }

    /// <summary>The next hop of one final address (no alias expansion).</summary>
    public static NextHop HopFor(RoutingTable table, string address)
    {
        var domain = MailAddress.DomainOf(address);
        if (domain.Length == 0) throw new ArgumentException($"'{address}' has no domain.", nameof(address));
        if (domain[0] == '[') return LiteralHop(address, domain);
        if (table.IsLocal(domain)) return table.FindRoute(domain) ?? table.LocalHop;
        return table.FindRoute(domain) ?? table.DefaultRoute ?? MxHop(address, domain);
    }

    private static string Qualify(RoutingTable table, string recipient)
    {
        if (recipient.Contains('@')) return MailAddress.Normalize(recipient);
        if (!recipient.Equals(Postmaster, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"'{recipient}' has no domain; only postmaster may omit it.", nameof(recipient));
        if (table.LocalDomains.Count == 0)
            throw new ArgumentException("A bare postmaster needs a local domain to qualify it, and there is none.", nameof(recipient));
        return $"{Postmaster}@{table.LocalDomains[0]}";
    }

    private static NextHop LiteralHop(string address, string domain)
    {
        if (domain[^1] != ']') throw new ArgumentException($"'{address}' has a malformed address literal.", nameof(address));
        var inner = domain[1..^1];
        // General address literals (RFC 5321 "tag:content" other than IPv6) name no host anyone can connect to.
        if (!HostName.TryCanonicalizeAddressLiteral(inner, out var ip))
            throw new ArgumentException($"'{address}': only IPv4 and IPv6 address literals can be routed.", nameof(address));
        return NextHop.SmtpHost(ip);
    }

    private static NextHop MxHop(string address, string domain) =>
        HostName.TryCanonicalizeDomain(domain, out _)
            ? NextHop.SmtpMx(domain)
            : throw new ArgumentException($"'{address}': '{domain}' is not a domain that can be looked up.", nameof(address));
}
