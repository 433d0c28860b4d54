using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailCluster.Core.Dnsbl;

/// <summary>Builds the DNS name under which a zone lists an address (RFC 5782 section 2.1 and 2.4).</summary>
public static class DnsblQueryName
{
    /// <summary>
    /// 192.0.2.1 → "1.2.0.192.zone"; 2001:db8::1 → the 32 nibbles reversed, "1.0.0.0…8.b.d.0.1.0.0.2.zone".
    /// IPv4-mapped IPv6 clients (dual-stack listeners) are looked up as the IPv4 address they are.
    /// </summary>
    public static string For(IPAddress client, string zone)
    {
        var trimmedZone = zone.Trim().TrimEnd('.');
        if (trimmedZone.Length == 0) throw new ArgumentException("DNSBL zone must not be empty.", nameof(zone));

        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        var bytes = address.GetAddressBytes();
        var name = new StringBuilder();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            for (var i = bytes.Length - 1; i >= 0; i--) name.Append(bytes[i]).Append('.');
        }
        else
        {
            for (var i = bytes.Length - 1; i >= 0; i--)
                name.Append(HexDigit(bytes[i] & 0xF)).Append('.').Append(HexDigit(bytes[i] >> 4)).Append('.');
        }
        return name.Append(trimmedZone).ToString();
    }

    private static char HexDigit(int nibble) => "0123456789abcdef"[nibble];
}
