using MailCluster.Core.Delivery;

namespace MailCluster.Core.Tests.Delivery;

public sealed class SmtpRouteTests
{
    [Theory]
    [InlineData("example.com", "example.com", 25, true)]
    [InlineData("Example.COM.:2525", "example.com", 2525, true)]
    [InlineData("[smtp.example.com]", "smtp.example.com", 25, false)]
    [InlineData("[smtp.example.com]:587", "smtp.example.com", 587, false)]
    [InlineData("[192.0.2.1]:24", "192.0.2.1", 24, false)]
    [InlineData("192.0.2.1", "192.0.2.1", 25, false)]
    [InlineData("[2001:db8::1]:2525", "2001:db8::1", 2525, false)]
    [InlineData("[IPv6:2001:db8::1]", "2001:db8::1", 25, false)]
    public void Parses_postfix_nexthop_syntax(string text, string host, int port, bool useMx)
    {
        Assert.Equal(new SmtpRoute(host, port, useMx), SmtpRoute.Parse(text));
    }

    [Theory]
    [InlineData("[host")]
    [InlineData("[host]x")]
    [InlineData("host:notaport")]
    [InlineData("host:70000")]
    [InlineData("2001:db8::1")]
    public void Rejects_malformed_routes(string text)
    {
        Assert.Throws<FormatException>(() => SmtpRoute.Parse(text));
    }

    [Fact]
    public void Formats_back_to_nexthop_syntax()
    {
        Assert.Equal("example.com", SmtpRoute.Mx("example.com").ToString());
        Assert.Equal("[relay.example.com]:587", SmtpRoute.Literal("relay.example.com", 587).ToString());
        Assert.Equal("[2001:db8::1]", SmtpRoute.Literal("2001:db8::1").ToString());
    }

    [Fact]
    public void Routes_compare_by_value_for_connection_caching()
    {
        Assert.Equal(SmtpRoute.Mx("Example.com"), SmtpRoute.Parse("example.com:25"));
        Assert.NotEqual(SmtpRoute.Mx("example.com"), SmtpRoute.Literal("example.com"));
    }
}
