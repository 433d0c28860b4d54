using System.Net;
using MailCluster.Core.Policy;

namespace MailCluster.Core.Tests.Policy;

public sealed class NetworkListTests
{
    [Theory]
    [InlineData("192.0.2.0/24", "192.0.2.200", true)]
    [InlineData("192.0.2.0/24", "192.0.3.1", false)]
    [InlineData("192.0.2.0/24", "::ffff:192.0.2.9", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("198.51.100.7", "198.51.100.7", true)]
    [InlineData("198.51.100.7", "198.51.100.8", false)]
    [InlineData("::1", "::1", true)]
    public void Cidr_entries_match_v4_v6_and_mapped_addresses(string entry, string client, bool expected)
    {
        Assert.True(NetworkList.TryParseEntry(entry, out var network));
        Assert.Equal(expected, new NetworkList([network]).Contains(IPAddress.Parse(client)));
    }

    [Theory]
    [InlineData("192.0.2.0/33")]
    [InlineData("not-a-network")]
    [InlineData("192.0.2.0/24/1")]
    public void Bad_entries_are_refused(string entry) => Assert.False(NetworkList.TryParseEntry(entry, out _));

    [Fact]
    public void The_default_trusts_loopback_only()
    {
        Assert.True(NetworkList.Loopback.Contains(IPAddress.Parse("127.0.0.1")));
        Assert.True(NetworkList.Loopback.Contains(IPAddress.IPv6Loopback));
        Assert.False(NetworkList.Loopback.Contains(IPAddress.Parse("10.0.0.1")));
        Assert.False(NetworkList.Empty.Contains(IPAddress.Parse("127.0.0.1")));
    }
}
