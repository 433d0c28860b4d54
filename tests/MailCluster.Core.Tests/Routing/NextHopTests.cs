using MailCluster.Core.Routing;

namespace MailCluster.Core.Tests.Routing;

public sealed class NextHopTests
{
    [Theory]
    [InlineData("local", "local", "local", "")]
    [InlineData("LOCAL", "local", "local", "")]
    [InlineData("  local  ", "local", "local", "")]
    [InlineData("smtp:[10.0.0.5]:2525", "smtp:[10.0.0.5]:2525", "smtp", "[10.0.0.5]:2525")]
    [InlineData("smtp:[10.0.0.5]", "smtp:[10.0.0.5]:25", "smtp", "[10.0.0.5]:25")]
    [InlineData("smtp:[relay.example]", "smtp:[relay.example]:25", "smtp", "[relay.example]:25")]
    [InlineData("SMTP:[Relay.Example.]:587", "smtp:[relay.example]:587", "smtp", "[relay.example]:587")]
    [InlineData("smtp:Example.COM", "smtp:example.com", "smtp", "example.com")]
    [InlineData("smtp:example.com.", "smtp:example.com", "smtp", "example.com")]
    [InlineData("smtp: example.com ", "smtp:example.com", "smtp", "example.com")]
    [InlineData("smtp:bücher.example", "smtp:xn--bcher-kva.example", "smtp", "xn--bcher-kva.example")]
    [InlineData("smtp:[2001:DB8:0::1]:25", "smtp:[2001:db8::1]:25", "smtp", "[2001:db8::1]:25")]
    [InlineData("smtp:[IPv6:2001:db8::1]", "smtp:[2001:db8::1]:25", "smtp", "[2001:db8::1]:25")]
    [InlineData("smtp:[10.0.0.5]:02525", "smtp:[10.0.0.5]:2525", "smtp", "[10.0.0.5]:2525")]
    [InlineData("lmtp:[127.0.0.1]:24", "lmtp:[127.0.0.1]:24", "lmtp", "[127.0.0.1]:24")]
    [InlineData("lmtp:[127.0.0.1]", "lmtp:[127.0.0.1]:24", "lmtp", "[127.0.0.1]:24")]
    [InlineData("lmtp:[mailstore.internal]:2003", "lmtp:[mailstore.internal]:2003", "lmtp", "[mailstore.internal]:2003")]
    [InlineData("smtp:[_relay.internal]", "smtp:[_relay.internal]:25", "smtp", "[_relay.internal]:25")]
    public void Config_routes_parse_to_canonical_hops(string text, string key, string transport, string destination)
    {
        Assert.True(NextHop.TryParseRoute(text, out var hop, out var error), error);
        Assert.Equal(key, hop.Key);
        Assert.Equal(transport, hop.Transport);
        Assert.Equal(destination, hop.Destination);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData(null, "empty")]
    [InlineData("relay:[x.example]", "unknown transport")]
    [InlineData("local:host", "no destination")]
    [InlineData("smtp", "needs a destination")]
    [InlineData("smtp:", "needs a destination")]
    [InlineData("smtp:example.com:2525", "bracketed host")]
    [InlineData("smtp:[10.0.0.5", "missing ']'")]
    [InlineData("smtp:[10.0.0.5]2525", "expected [host]")]
    [InlineData("smtp:[10.0.0.5]:", "expected [host]")]
    [InlineData("smtp:[10.0.0.5]:0", "out of range")]
    [InlineData("smtp:[10.0.0.5]:65536", "out of range")]
    [InlineData("smtp:[10.0.0.5]:+25", "expected [host]")]
    [InlineData("smtp:[10.0.0.5]: 25", "expected [host]")]
    [InlineData("smtp:[10.0.0.5]:123456", "expected [host]")]
    [InlineData("smtp:[]", "not a valid host")]
    [InlineData("smtp:[bad host]", "not a valid host")]
    [InlineData("smtp:[-bad.example]", "not a valid host")]
    [InlineData("smtp:[fe80::1%eth0]", "not a valid host")]
    [InlineData("smtp:[999.1.1.1]", "not a valid host")]
    [InlineData("smtp:10.0.0.5", "not a valid domain")]
    [InlineData("smtp:exa mple.com", "not a valid domain")]
    [InlineData("smtp:a..b", "not a valid domain")]
    [InlineData("smtp:.example.com", "not a valid domain")]
    [InlineData("lmtp:127.0.0.1:24", "bracketed host")]
    [InlineData("lmtp:unix:/run/dovecot/lmtp", "bracketed host")]
    [InlineData("lmtp:", "bracketed host")]
    public void Bad_routes_are_refused_with_a_reason(string? text, string reason)
    {
        Assert.False(NextHop.TryParseRoute(text, out var hop, out var error));
        Assert.Null(hop);
        Assert.Contains(reason, error);
    }

    [Theory]
    [InlineData("local")]
    [InlineData("smtp:[10.0.0.5]:2525")]
    [InlineData("smtp:[relay.example]:25")]
    [InlineData("smtp:example.com")]
    [InlineData("smtp:xn--bcher-kva.example")]
    [InlineData("smtp:[2001:db8::1]:25")]
    [InlineData("lmtp:[127.0.0.1]:24")]
    public void Canonical_keys_round_trip(string key)
    {
        Assert.True(NextHop.TryParse(key, out var hop));
        Assert.Equal(key, hop.Key);
        Assert.True(NextHop.TryParse(hop.Key, out var again));
        Assert.Equal(hop, again);
        Assert.Equal(hop.GetHashCode(), again.GetHashCode());
        Assert.Equal(key, hop.ToString());
    }

    [Theory]
    [InlineData("LOCAL")]
    [InlineData(" local")]
    [InlineData("smtp:[10.0.0.5]")]
    [InlineData("smtp:[10.0.0.5]:02525")]
    [InlineData("smtp:Example.com")]
    [InlineData("smtp:example.com.")]
    [InlineData("smtp:bücher.example")]
    [InlineData("smtp:[2001:DB8::1]:25")]
    [InlineData("smtp:[IPv6:2001:db8::1]:25")]
    [InlineData("lmtp:[127.0.0.1]")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("garbage")]
    public void Non_canonical_keys_are_refused_so_one_destination_has_one_queue(string? key) =>
        Assert.False(NextHop.TryParse(key, out _));

    [Fact]
    public void Factories_canonicalize_like_the_parser()
    {
        Assert.Equal("smtp:example.com", NextHop.SmtpMx("Example.COM.").Key);
        Assert.Equal("smtp:[relay.example]:25", NextHop.SmtpHost("RELAY.example").Key);
        Assert.Equal("smtp:[192.0.2.1]:587", NextHop.SmtpHost("192.0.2.1", 587).Key);
        Assert.Equal("lmtp:[::1]:24", NextHop.LmtpHost("0:0::1").Key);
        Assert.Same(NextHop.Local, NextHop.Local);
        Assert.Equal(NextHop.SmtpHost("relay.example", 25), NextHop.SmtpHost("Relay.Example."));
        Assert.NotEqual(NextHop.SmtpHost("relay.example"), NextHop.LmtpHost("relay.example", 25));
        Assert.NotEqual(NextHop.SmtpHost("example.com"), NextHop.SmtpMx("example.com"));
    }

    [Fact]
    public void Factories_refuse_bad_input()
    {
        Assert.Throws<ArgumentException>(() => NextHop.SmtpMx("10.0.0.1"));
        Assert.Throws<ArgumentException>(() => NextHop.SmtpMx(""));
        Assert.Throws<ArgumentException>(() => NextHop.SmtpHost("bad host"));
        Assert.Throws<ArgumentOutOfRangeException>(() => NextHop.SmtpHost("relay.example", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => NextHop.LmtpHost("relay.example", 70000));
    }

    [Fact]
    public void Parts_are_exposed_for_the_delivery_agents()
    {
        var literal = NextHop.SmtpHost("10.0.0.5", 2525);
        Assert.True(literal.IsLiteral);
        Assert.Equal("10.0.0.5", literal.Host);
        Assert.Equal(2525, literal.Port);

        var mx = NextHop.SmtpMx("example.com");
        Assert.False(mx.IsLiteral);
        Assert.Equal("example.com", mx.Host);
        Assert.Equal(25, mx.Port);

        Assert.False(NextHop.Local.IsLiteral);
        Assert.Equal("", NextHop.Local.Host);
        Assert.Equal("", NextHop.Local.Destination);
    }
}
