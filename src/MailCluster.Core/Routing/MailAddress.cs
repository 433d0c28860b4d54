namespace MailCluster.Core.Routing;

/// <summary>Splitting and normalizing "local@domain" strings as routing sees them.</summary>
public static class MailAddress
{
    /// <summary>Splits at the last '@' (a quoted local part may itself contain one).</summary>
    public static bool TrySplit(string address, out string localPart, out string domain)
    {
        var at = address.LastIndexOf('@');
        localPart = at > 0 ? address[..at] : "";
        domain = at > 0 ? address[(at + 1)..] : "";
        return at > 0 && domain.Length > 0;
    }

    /// <summary>
    /// The local part as written and the domain lowercased without a trailing dot. Local parts keep their case:
    /// only the final mailbox store may decide that case does not matter there.
    /// </summary>
    public static string Normalize(string address)
    {
        var trimmed = address.Trim();
        if (!TrySplit(trimmed, out var local, out var domain))
            throw new ArgumentException($"'{address}' is not an address of the form local@domain.", nameof(address));
        domain = domain.ToLowerInvariant();
        if (domain.EndsWith('.')) domain = domain[..^1];
        if (domain.Length == 0) throw new ArgumentException($"'{address}' has an empty domain.", nameof(address));
        return $"{local}@{domain}";
    }

    public static string DomainOf(string address) => TrySplit(address, out _, out var domain) ? domain : "";
}
