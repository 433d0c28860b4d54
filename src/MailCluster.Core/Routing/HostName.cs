using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MailCluster.Core.Routing;

/// <summary>
/// Canonical spelling of host names and domains, so that two spellings of one destination ("Example.COM.",
/// "example.com") can never become two queue entities. DNS names are lowercased, lose their trailing dot and are
/// turned into A-labels (what DNS is asked anyway); IP literals are printed the way <see cref="IPAddress"/> prints them.
/// </summary>
public static class HostName
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    /// <summary>A DNS name or an IPv4/IPv6 address (an "IPv6:" tag, as in address literals, is accepted and dropped).</summary>
    public static bool TryCanonicalizeHost(string text, out string host)
    {
        host = "";
        if (string.IsNullOrEmpty(text)) return false;
        if (text.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
            return TryCanonicalizeIp(text[5..], AddressFamily.InterNetworkV6, out host);
        if (text.Contains(':')) return TryCanonicalizeIp(text, AddressFamily.InterNetworkV6, out host);
        if (LooksLikeDottedQuad(text)) return TryCanonicalizeIp(text, AddressFamily.InterNetwork, out host);
        return TryCanonicalizeDomain(text, out host);
    }

    /// <summary>
    /// The inside of an RFC 5321 address literal: a dotted-quad IPv4 address or "IPv6:" and an IPv6 address.
    /// </summary>
    public static bool TryCanonicalizeAddressLiteral(string text, out string ip)
    {
        ip = "";
        if (text.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
            return TryCanonicalizeIp(text[5..], AddressFamily.InterNetworkV6, out ip);
        return LooksLikeDottedQuad(text) && TryCanonicalizeIp(text, AddressFamily.InterNetwork, out ip);
    }

    /// <summary>A DNS name only: what an MX lookup can be made for.</summary>
    public static bool TryCanonicalizeDomain(string text, out string domain)
    {
        domain = "";
        if (string.IsNullOrEmpty(text)) return false;
        var name = text.EndsWith('.') ? text[..^1] : text;
        if (name.Length == 0 || LooksLikeDottedQuad(name)) return false;
        string ascii;
        try
        {
            ascii = Idn.GetAscii(name).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return false;
        }
        if (ascii.Length > 253) return false;
        foreach (var label in ascii.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            // Underscores are not legal in host names but do occur in real (internal) names; let DNS decide.
            if (!label.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_')) return false;
        }
        domain = ascii;
        return true;
    }

    private static bool TryCanonicalizeIp(string text, AddressFamily family, out string host)
    {
        host = "";
        // IPAddress.TryParse also takes scope ids and abbreviated IPv4 forms ("10.1"); neither is a mail destination.
        if (text.Contains('%') || !IPAddress.TryParse(text, out var ip) || ip.AddressFamily != family) return false;
        host = ip.ToString();
        return true;
    }

    private static bool LooksLikeDottedQuad(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit));
    }
}
