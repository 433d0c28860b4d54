using System.Net;

namespace MailCluster.Core.Policy;

/// <summary>A list of CIDR networks (IPv4 and IPv6). IPv4-mapped IPv6 clients match their IPv4 networks.</summary>
public sealed class NetworkList(IEnumerable<IPNetwork> networks)
{
    private readonly IReadOnlyList<IPNetwork> _networks = networks.ToList();

    public static NetworkList Empty { get; } = new([]);
    public static NetworkList Loopback { get; } = new([IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")]);

    public IReadOnlyList<IPNetwork> Networks => _networks;

    public bool Contains(IPAddress address)
    {
        var ip = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(n => n.Contains(ip));
    }

    /// <summary>Parses "192.0.2.0/24", "2001:db8::/32" or a single address (a /32 or /128).</summary>
    public static bool TryParseEntry(string text, out IPNetwork network)
    {
        var t = text.Trim();
        if (!t.Contains('/') && IPAddress.TryParse(t, out var single))
            t += single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "/32" : "/128";
        return IPNetwork.TryParse(t, out network);
    }
}
