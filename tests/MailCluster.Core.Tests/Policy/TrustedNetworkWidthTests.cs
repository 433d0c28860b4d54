using System.Net;
using MailCluster.Core.Policy;

namespace MailCluster.Core.Tests.Policy;

public sealed class TrustedNetworkWidthTests
{
    private static List<TrustedNetworkWidth.Finding> Check(params string[] entries) =>
        TrustedNetworkWidth.Check(entries.Select(e => NetworkList.TryParseEntry(e, out var n) ? (e, n) : throw new ArgumentException(e)).ToList()).ToList();

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("::/0")]
    [InlineData("::ffff:0:0/96")]                 // every IPv4 client, as dual-stack sockets see it
    [InlineData("0.0.0.0/1", "128.0.0.0/1")]
    [InlineData("::/1", "8000::/1")]
    [InlineData("0.0.0.0/1", "10.0.0.0/8", "127.0.0.1", "128.0.0.0/2", "192.0.0.0/2")]
    [InlineData("::ffff:0.0.0.0/97", "128.0.0.0/1")] // mapped and plain halves together
    public void A_list_that_trusts_a_whole_address_family_is_an_error(params string[] entries)
    {
        var error = Assert.Single(Check(entries), f => f.IsError);
        Assert.Contains("open relay", error.Message);
        Assert.Contains(entries[0], error.Message);
    }

    [Theory]
    [InlineData("127.0.0.0/8", "::1/128")]
    [InlineData("10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32")]
    [InlineData("0.0.0.0/1")]                      // half the internet is wide, not all of it
    [InlineData("192.0.2.1")]
    public void Lists_that_leave_addresses_out_are_not_errors(params string[] entries) =>
        Assert.DoesNotContain(Check(entries), f => f.IsError);

    [Theory]
    [InlineData("8.0.0.0/7", "33,554,432 IPv4 addresses")]
    [InlineData("0.0.0.0/1", "2,147,483,648 IPv4 addresses")]
    [InlineData("2000::/3", "wider than an IPv6 /32")]
    [InlineData("::ffff:10.0.0.0/100", "268,435,456 IPv4 addresses")] // a mapped /4
    public void Very_wide_networks_are_warned_about(string entry, string expected)
    {
        var warning = Assert.Single(Check(entry));
        Assert.False(warning.IsError);
        Assert.Contains(entry, warning.Message);
        Assert.Contains(expected, warning.Message);
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("2001:db8::/32")]
    [InlineData("::ffff:10.0.0.0/104")]
    public void A_slash_8_or_an_IPv6_slash_32_is_not_wide(string entry) => Assert.Empty(Check(entry));
}
