using System.Diagnostics.CodeAnalysis;

namespace MailCluster.Core.Routing;

/// <summary>
/// Where a recipient goes next: a transport and its destination, in Postfix's notation.
/// <list type="bullet">
/// <item><c>local</c>, destination "": the node's own mailbox store.</item>
/// <item><c>smtp</c>, <c>[host]:port</c>: that host exactly, no MX lookup (Postfix's brackets).</item>
/// <item><c>smtp</c>, <c>example.com</c>: the MX hosts of that domain, port 25.</item>
/// <item><c>lmtp</c>, <c>[host]:port</c>: an LMTP server, e.g. the mailbox backend.</item>
/// </list>
/// <see cref="Key"/> names the queue entity (one per destination), so every hop exists in one spelling only:
/// construction canonicalizes (lowercase, no trailing dot, A-labels, explicit port for bracketed hosts)
/// and there are no setters for <c>with</c> to bypass that.
/// </summary>
public sealed record NextHop
{
    public const string LocalTransport = "local";
    public const string SmtpTransport = "smtp";
    public const string LmtpTransport = "lmtp";
    public const int DefaultSmtpPort = 25;
    public const int DefaultLmtpPort = 24;

    private NextHop(string transport, string destination, string host, int port, bool isLiteral)
    {
        Transport = transport;
        Destination = destination;
        Host = host;
        Port = port;
        IsLiteral = isLiteral;
        Key = destination.Length == 0 ? transport : $"{transport}:{destination}";
    }

    /// <summary>Delivery into the node's own mailbox store.</summary>
    public static NextHop Local { get; } = new(LocalTransport, "", "", 0, false);

    /// <summary>"local", "smtp" or "lmtp".</summary>
    public string Transport { get; }

    /// <summary>"" for local, "[host]:port" for a literal host, "example.com" for an MX lookup.</summary>
    public string Destination { get; }

    /// <summary>The canonical "transport:destination" (just "local" for local): the sharded queue entity id.</summary>
    public string Key { get; }

    /// <summary>The bracketed host (no brackets) or the domain to look up MX records for; "" for local.</summary>
    public string Host { get; }

    /// <summary>The port for a literal host or an MX lookup; 0 for local.</summary>
    public int Port { get; }

    /// <summary>True when <see cref="Host"/> is used as is (no MX lookup).</summary>
    public bool IsLiteral { get; }

    /// <summary>The MX hosts of <paramref name="domain"/>, port 25.</summary>
    public static NextHop SmtpMx(string domain) =>
        HostName.TryCanonicalizeDomain(domain, out var d)
            ? new(SmtpTransport, d, d, DefaultSmtpPort, false)
            : throw new ArgumentException($"'{domain}' is not a domain an MX lookup can be made for.", nameof(domain));

    /// <summary>Exactly <paramref name="host"/> (a name or an IP address), no MX lookup.</summary>
    public static NextHop SmtpHost(string host, int port = DefaultSmtpPort) => Literal(SmtpTransport, host, port);

    /// <summary>An LMTP server at <paramref name="host"/>.</summary>
    public static NextHop LmtpHost(string host, int port = DefaultLmtpPort) => Literal(LmtpTransport, host, port);

    /// <summary>
    /// Parses a queue entity id. Only the canonical spelling (what <see cref="Key"/> produces) is accepted: a second
    /// spelling of one destination would be a second queue for it.
    /// </summary>
    public static bool TryParse(string? key, [NotNullWhen(true)] out NextHop? hop)
    {
        hop = null;
        if (key is null || !TryParseRoute(key, out var parsed, out _) || parsed.Key != key) return false;
        hop = parsed;
        return true;
    }

    /// <summary>
    /// Parses a route as written in configuration: "local", "smtp:[10.0.0.5]:2525", "smtp:[relay.example]",
    /// "smtp:example.com", "lmtp:[127.0.0.1]:24". Lenient about case, surrounding spaces, trailing dots and a
    /// missing port (25 for smtp, 24 for lmtp); the result is canonical.
    /// </summary>
    public static bool TryParseRoute(string? text, [NotNullWhen(true)] out NextHop? hop, out string error)
    {
        hop = null;
        error = "";
        var value = text?.Trim() ?? "";
        if (value.Length == 0) return Fail("the route is empty", out error);

        var colon = value.IndexOf(':');
        var transport = (colon < 0 ? value : value[..colon]).ToLowerInvariant();
        var destination = colon < 0 ? "" : value[(colon + 1)..].Trim();

        switch (transport)
        {
            case LocalTransport:
                if (destination.Length != 0) return Fail("the local transport takes no destination", out error);
                hop = Local;
                return true;
            case SmtpTransport:
                if (destination.Length == 0) return Fail("smtp needs a destination: [host], [host]:port or a domain", out error);
                if (destination[0] == '[') return TryParseLiteral(SmtpTransport, destination, DefaultSmtpPort, out hop, out error);
                if (destination.Contains(':'))
                    return Fail($"'{destination}': a port needs a bracketed host, as in smtp:[host]:port", out error);
                if (!HostName.TryCanonicalizeDomain(destination, out var domain))
                    return Fail($"'{destination}' is not a valid domain", out error);
                hop = new(SmtpTransport, domain, domain, DefaultSmtpPort, false);
                return true;
            case LmtpTransport:
                if (destination.Length == 0 || destination[0] != '[')
                    return Fail("lmtp needs a bracketed host: lmtp:[host]:port", out error);
                return TryParseLiteral(LmtpTransport, destination, DefaultLmtpPort, out hop, out error);
            default:
                return Fail($"unknown transport '{transport}' (expected local, smtp or lmtp)", out error);
        }
    }

    public override string ToString() => Key;

    private static NextHop Literal(string transport, string host, int port)
    {
        if (!HostName.TryCanonicalizeHost(host, out var h))
            throw new ArgumentException($"'{host}' is not a valid host name or IP address.", nameof(host));
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "Ports run from 1 to 65535.");
        return new(transport, $"[{h}]:{port}", h, port, true);
    }

    private static bool TryParseLiteral(string transport, string destination, int defaultPort, out NextHop? hop, out string error)
    {
        hop = null;
        var close = destination.IndexOf(']');
        if (close < 0) return Fail($"'{destination}': missing ']'", out error);
        var host = destination[1..close];
        var rest = destination[(close + 1)..];
        var port = defaultPort;
        if (rest.Length > 0)
        {
            // Digits only: int.TryParse would also take signs and spaces, which would give one port two spellings.
            var digits = rest.StartsWith(':') ? rest[1..] : "";
            if (digits.Length is 0 or > 5 || !digits.All(char.IsAsciiDigit) || !int.TryParse(digits, out port))
                return Fail($"'{destination}': expected [host] or [host]:port", out error);
        }
        if (port is < 1 or > 65535) return Fail($"'{destination}': port {port} is out of range", out error);
        if (!HostName.TryCanonicalizeHost(host, out var h)) return Fail($"'{host}' is not a valid host name or IP address", out error);
        error = "";
        hop = new(transport, $"[{h}]:{port}", h, port, true);
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
