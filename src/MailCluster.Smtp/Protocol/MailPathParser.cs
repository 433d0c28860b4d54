using System.Net;

namespace MailCluster.Smtp.Protocol;

/// <summary>
/// RFC 5321 4.1.2 Path syntax, with RFC 6531 UTF-8 allowed in local parts and domains.
/// Source routes are accepted and dropped (RFC 5321 C), and flagged so policy can see them.
/// </summary>
public static class MailPathParser
{
    public const int MaxLocalPartOctets = 64;
    public const int MaxDomainOctets = 255;
    private const string AtextSpecials = "!#$%&'*+-/=?^_`{|}~";

    /// <param name="input">Text starting at '&lt;'.</param>
    /// <param name="remainder">What follows the closing '&gt;' (ESMTP parameters), without the separating space.</param>
    public static bool TryParse(string input, bool allowNull, out MailPath path, out string remainder, out string error)
    {
        path = MailPath.Null;
        remainder = "";
        error = "";
        if (!input.StartsWith('<')) { error = "address must be enclosed in <>"; return false; }
        var close = FindClosingBracket(input);
        if (close < 0) { error = "missing >"; return false; }
        var after = input[(close + 1)..];
        if (after.Length > 0 && after[0] != ' ') { error = "unexpected text after >"; return false; }
        remainder = after.TrimStart(' ');
        var inner = input[1..close];

        if (inner.Length == 0)
        {
            if (allowNull) return true;
            error = "empty address";
            return false;
        }

        var hadRoute = false;
        if (inner.StartsWith('@'))
        {
            var colon = inner.IndexOf(':');
            if (colon < 0 || !IsValidRoute(inner[..colon])) { error = "bad source route"; return false; }
            inner = inner[(colon + 1)..];
            hadRoute = true;
        }

        if (!TrySplitMailbox(inner, out var local, out var domain, out error)) return false;
        path = new MailPath(local, domain, hadRoute);
        return true;
    }

    private static int FindClosingBracket(string input)
    {
        var inQuotes = false;
        for (var i = 1; i < input.Length; i++)
        {
            var c = input[i];
            if (inQuotes && c == '\\') { i++; continue; }
            if (c == '"') inQuotes = !inQuotes;
            else if (c == '>' && !inQuotes) return i;
        }
        return -1;
    }

    private static bool IsValidRoute(string route) =>
        route.Split(',').All(hop => hop.StartsWith('@') && TryNormalizeDomain(hop[1..], out _));

    private static bool TrySplitMailbox(string mailbox, out string local, out string domain, out string error)
    {
        local = domain = error = "";
        int at;
        if (mailbox.StartsWith('"'))
        {
            var end = EndOfQuotedString(mailbox);
            if (end < 0) { error = "bad quoted local part"; return false; }
            local = mailbox[..(end + 1)];
            at = end + 1;
            if (at == mailbox.Length) return BarePostmaster(local, out error);
            if (mailbox[at] != '@') { error = "text after quoted local part"; return false; }
        }
        else
        {
            at = mailbox.LastIndexOf('@');
            local = at < 0 ? mailbox : mailbox[..at];
            if (!IsDotString(local)) { error = "bad local part"; return false; }
            if (at < 0) return BarePostmaster(local, out error);
        }

        if (System.Text.Encoding.UTF8.GetByteCount(local) > MaxLocalPartOctets) { error = "local part too long"; return false; }
        var rawDomain = mailbox[(at + 1)..];
        if (rawDomain.StartsWith('['))
        {
            if (!TryParseAddressLiteral(rawDomain, out domain)) { error = "bad address literal"; return false; }
            return true;
        }
        if (!TryNormalizeDomain(rawDomain, out domain)) { error = "bad domain"; return false; }
        return true;
    }

    /// <summary>RFC 5321 4.1.1.3: "postmaster" without a domain is the only mailbox allowed without one.</summary>
    private static bool BarePostmaster(string local, out string error)
    {
        error = string.Equals(local, "postmaster", StringComparison.OrdinalIgnoreCase) ? "" : "address must have a domain";
        return error.Length == 0;
    }

    private static int EndOfQuotedString(string s)
    {
        for (var i = 1; i < s.Length; i++)
        {
            if (s[i] == '\\') { if (i + 1 >= s.Length || s[i + 1] < ' ') return -1; i++; continue; }
            if (s[i] == '"') return i;
            if (s[i] < ' ' || s[i] == '\x7f') return -1;
        }
        return -1;
    }

    private static bool IsDotString(string s) =>
        s.Length > 0 && s.Split('.').All(atom => atom.Length > 0 && atom.All(IsAtext));

    private static bool IsAtext(char c) => char.IsAsciiLetterOrDigit(c) || AtextSpecials.Contains(c) || c > '\x7f';

    /// <summary>Lower-cases and strips one trailing dot, so "Example.COM." and "example.com" are one domain.</summary>
    public static bool TryNormalizeDomain(string raw, out string domain)
    {
        domain = "";
        var d = raw.EndsWith('.') ? raw[..^1] : raw;
        if (d.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(d) > MaxDomainOctets) return false;
        foreach (var label in d.Split('.'))
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-')) return false;
            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || (c > '\x7f' && char.IsLetterOrDigit(c)))) return false;
        }
        domain = d.ToLowerInvariant();
        return true;
    }

    private static bool TryParseAddressLiteral(string raw, out string literal)
    {
        literal = "";
        if (!raw.EndsWith(']')) return false;
        var inner = raw[1..^1];
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            // IPAddress.TryParse also takes brackets, ports and scope ids, none of which RFC 5321 4.1.3 allows.
            if (!inner[5..].All(c => char.IsAsciiHexDigit(c) || c is ':' or '.')) return false;
            if (!IPAddress.TryParse(inner[5..], out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return false;
            literal = $"[IPv6:{v6}]";
            return true;
        }
        var parts = inner.Split('.');
        if (parts.Length != 4 || !parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p) <= 255)) return false;
        literal = $"[{inner}]";
        return true;
    }
}
