using System.Globalization;
using System.Net;

namespace MailCluster.Core.Delivery;

/// <summary>
/// Where a message goes. <see cref="UseMx"/> true: look up the MX hosts of <see cref="Host"/> (a domain) and
/// connect to them at <see cref="Port"/>. False: connect to <see cref="Host"/> itself (A/AAAA lookup, or an IP
/// literal used as is) — Postfix's "[host]:port" nexthop. Records compare by value, so a route is a good key
/// for caching open connections.
/// </summary>
public sealed record SmtpRoute(string Host, int Port, bool UseMx)
{
    public const int DefaultPort = 25;

    /// <summary>MX lookup of <paramref name="domain"/>; the port lets tests point every MX host at a loopback sink.</summary>
    public static SmtpRoute Mx(string domain, int port = DefaultPort) => new(Normalize(domain), CheckPort(port), true);

    /// <summary>Straight to <paramref name="host"/> (name or IP address), no MX lookup.</summary>
    public static SmtpRoute Literal(string host, int port = DefaultPort) => new(Normalize(host), CheckPort(port), false);

    /// <summary>
    /// Postfix nexthop syntax: "[host]:port" or "[host]" is literal (no MX); "domain:port" or "domain" uses MX.
    /// IPv6 addresses go in brackets: "[2001:db8::1]:2525", "[IPv6:2001:db8::1]".
    /// </summary>
    public static SmtpRoute Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        var port = DefaultPort;
        if (t.StartsWith('['))
        {
            var close = t.IndexOf(']');
            if (close < 2) throw new FormatException($"Bad route '{text}': unterminated '['.");
            var host = t[1..close];
            if (host.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase)) host = host[5..];
            var rest = t[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') throw new FormatException($"Bad route '{text}': expected ':port' after ']'.");
                port = ParsePort(rest[1..], text);
            }
            return Literal(host, port);
        }
        var colon = t.LastIndexOf(':');
        if (colon >= 0)
        {
            if (t.IndexOf(':') != colon) throw new FormatException($"Bad route '{text}': IPv6 addresses must be bracketed.");
            port = ParsePort(t[(colon + 1)..], text);
            t = t[..colon];
        }
        return IPAddress.TryParse(t, out _) ? Literal(t, port) : Mx(t, port);
    }

    public override string ToString()
    {
        var host = Host.Contains(':') ? $"[{Host}]" : UseMx ? Host : $"[{Host}]";
        return Port == DefaultPort ? host : $"{host}:{Port}";
    }

    private static string Normalize(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var h = host.Trim().TrimEnd('.').ToLowerInvariant();
        if (h.Length == 0) throw new ArgumentException("Route host must not be empty.", nameof(host));
        return h;
    }

    private static int CheckPort(int port) =>
        port is > 0 and <= 65535 ? port : throw new ArgumentOutOfRangeException(nameof(port), port, "Port must be 1-65535.");

    private static int ParsePort(string text, string route) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new FormatException($"Bad route '{route}': '{text}' is not a port.");
}
