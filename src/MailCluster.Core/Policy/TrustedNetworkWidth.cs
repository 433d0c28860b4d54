using System.Net;
using System.Net.Sockets;

namespace MailCluster.Core.Policy;

/// <summary>
/// How much of the address space a mynetworks list trusts. Every client in mynetworks may relay (permit-mynetworks)
/// and skips the connection and rate limits, so a list that covers everybody is an open relay, however well the
/// restriction lists are written; Postfix's "mynetworks = 0.0.0.0/0" is the classic way to become one.
/// </summary>
public static class TrustedNetworkWidth
{
    /// <summary>IPv4 networks shorter than this (a /7 or wider) are reported as suspiciously wide: a /8 is a whole RIR block.</summary>
    public const int WideIPv4Prefix = 8;

    /// <summary>IPv6 networks shorter than this are reported as suspiciously wide: a /32 is a whole ISP allocation.</summary>
    public const int WideIPv6Prefix = 32;

    private static readonly IPNetwork MappedIPv4 = IPNetwork.Parse("::ffff:0:0/96");

    public sealed record Finding(bool IsError, string Message);

    public static IEnumerable<Finding> Check(IReadOnlyList<(string Entry, IPNetwork Network)> entries)
    {
        var v4 = new List<(UInt128 Start, UInt128 End, string Entry)>();
        var v6 = new List<(UInt128 Start, UInt128 End, string Entry)>();
        foreach (var (entry, raw) in entries)
        {
            // Clients arrive IPv4-mapped on a dual-stack socket and are matched as IPv4, so ::ffff:a.b.c.d/n means a.b.c.d/(n-96).
            var network = AsIPv4(raw) ?? raw;
            var isV4 = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
            var (start, end) = Range(network);
            (isV4 ? v4 : v6).Add((start, end, entry));
            if (network.PrefixLength == 0) continue; // reported below, as covering everything
            if (isV4 && network.PrefixLength < WideIPv4Prefix)
                yield return new(false, $"'{entry}' trusts {Count(network)} IPv4 addresses (wider than /{WideIPv4Prefix}); every one of them may relay");
            else if (!isV4 && network.PrefixLength < WideIPv6Prefix)
                yield return new(false, $"'{entry}' is wider than an IPv6 /{WideIPv6Prefix}; every address in it may relay");
        }
        if (CoversAll(v4, UInt128.MaxValue >> 96) is { } all4)
            yield return new(true, $"{Describe(all4)} every IPv4 address: permit-mynetworks would make this node an open relay; list only your own networks");
        if (CoversAll(v6, UInt128.MaxValue) is { } all6)
            yield return new(true, $"{Describe(all6)} every IPv6 address: permit-mynetworks would make this node an open relay; list only your own networks");
    }

    private static string Describe(IReadOnlyList<string> entries) =>
        entries.Count == 1 ? $"'{entries[0]}' covers" : $"together, {string.Join(", ", entries.Select(e => $"'{e}'"))} cover";

    private static IPNetwork? AsIPv4(IPNetwork network)
    {
        if (network.BaseAddress.AddressFamily != AddressFamily.InterNetworkV6 || network.PrefixLength < 96) return null;
        if (!MappedIPv4.Contains(network.BaseAddress)) return null;
        return new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96);
    }

    /// <summary>The entries whose union is the whole space (max = its last address), or null if some address is left out.</summary>
    private static List<string>? CoversAll(List<(UInt128 Start, UInt128 End, string Entry)> ranges, UInt128 max)
    {
        var next = UInt128.Zero;
        var used = new List<string>();
        foreach (var (start, end, entry) in ranges.OrderBy(r => r.Start).ThenByDescending(r => r.End))
        {
            if (start > next) return null;
            if (end < next) continue;
            used.Add(entry);
            if (end == max) return used;
            next = end + 1;
        }
        return null;
    }

    private static (UInt128 Start, UInt128 End) Range(IPNetwork network)
    {
        var bytes = network.BaseAddress.GetAddressBytes();
        var value = UInt128.Zero;
        foreach (var b in bytes) value = (value << 8) | b;
        var bits = bytes.Length * 8;
        var hostBits = bits - network.PrefixLength;
        var hostMask = hostBits == 0 ? UInt128.Zero : hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        var start = value & ~hostMask;
        return (start, start | hostMask);
    }

    private static string Count(IPNetwork network) => (1UL << (32 - network.PrefixLength)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
