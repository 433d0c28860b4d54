using System.Net;
using MailCluster.Core.Dnsbl;

namespace MailCluster.Core.Tests.Dnsbl;

public sealed class DnsblQueryNameTests
{
    [Theory]
    [InlineData("192.0.2.1", "zen.example", "1.2.0.192.zen.example")]
    [InlineData("192.0.2.1", "zen.example.", "1.2.0.192.zen.example")]
    [InlineData("::ffff:192.0.2.1", "zen.example", "1.2.0.192.zen.example")]
    // The example from RFC 5782 section 2.4.
    [InlineData("2001:db8:1:2:3:4:567:89ab", "ugly.example.com", "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ugly.example.com")]
    public void Reverses_the_address_in_front_of_the_zone(string client, string zone, string expected) =>
        Assert.Equal(expected, DnsblQueryName.For(IPAddress.Parse(client), zone));

    [Fact]
    public void Rejects_an_empty_zone() =>
        Assert.Throws<ArgumentException>(() => DnsblQueryName.For(IPAddress.Loopback, " . "));
}
