namespace MailCluster.Core.Auth;

/// <summary>The little address handling auth needs: shape check and domain lower-casing. Not an RFC 5321 parser.</summary>
internal static class SenderAddress
{
    /// <summary>local@domain with both sides non-empty and nothing that would break the users-file syntax.</summary>
    public static bool LooksLikeAddress(string text)
    {
        var at = text.LastIndexOf('@');
        return at > 0 && at < text.Length - 1 && !text.Any(c => char.IsWhiteSpace(c) || c is ',' or ':' or '<' or '>');
    }

    /// <summary>Domains are case-insensitive (RFC 5321 2.4); local parts are kept as written.</summary>
    public static string NormalizeDomain(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? address : address[..at] + address[at..].ToLowerInvariant();
    }
}
