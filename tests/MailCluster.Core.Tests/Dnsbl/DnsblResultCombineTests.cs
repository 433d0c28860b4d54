using System.Net;
using MailCluster.Core.Dnsbl;

namespace MailCluster.Core.Tests.Dnsbl;

public sealed class DnsblResultCombineTests
{
    private static readonly Listed ListedA = new("a.example", IPAddress.Parse("127.0.0.2"), null);
    private static readonly Listed ListedB = new("b.example", IPAddress.Parse("127.0.0.3"), null);
    private static readonly LookupFailed FailedC = new("c.example", "timeout");

    [Fact]
    public void No_zones_is_not_listed() => Assert.IsType<NotListed>(DnsblResult.Combine([]));

    [Fact]
    public void First_listing_in_zone_order_wins_even_after_a_failure() =>
        Assert.Equal(ListedA, DnsblResult.Combine([new NotListed(), FailedC, ListedA, ListedB]));

    [Fact]
    public void A_failure_beats_not_listed() =>
        Assert.Equal(FailedC, DnsblResult.Combine([new NotListed(), FailedC, new NotListed()]));
}
