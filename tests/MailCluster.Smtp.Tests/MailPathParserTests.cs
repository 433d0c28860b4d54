using MailCluster.Smtp.Protocol;

namespace MailCluster.Smtp.Tests;

public class MailPathParserTests
{
    private static MailPath Accept(string input, bool allowNull = false)
    {
        Assert.True(MailPathParser.TryParse(input, allowNull, out var path, out _, out var error), $"{input} refused: {error}");
        Assert.Equal("", error);
        return path;
    }

    private static void Refuse(string input, bool allowNull = false)
    {
        Assert.False(MailPathParser.TryParse(input, allowNull, out _, out _, out var error), $"{input} accepted");
        Assert.NotEqual("", error);
    }

    [Theory]
    [InlineData("<postmaster>")]
    [InlineData("<Postmaster>")]
    [InlineData("<POSTMASTER>")]
    [InlineData("<PostMaster>")]
    public void Bare_postmaster_is_accepted_in_any_case(string input)
    {
        var path = Accept(input);
        Assert.True(path.IsBarePostmaster);
        Assert.Equal("", path.Domain);
        Assert.Equal(input[1..^1], path.Address);
    }

    [Theory]
    [InlineData("<abuse>")]
    [InlineData("<root>")]
    [InlineData("<postmaster2>")]
    [InlineData("<\"postmaster \">")]
    public void Other_bare_local_parts_are_refused(string input) => Refuse(input);

    [Fact]
    public void Null_path_only_where_allowed()
    {
        Assert.True(Accept("<>", allowNull: true).IsNull);
        Refuse("<>");
    }

    [Theory]
    [InlineData("<\"a@b\"@example.com>", "\"a@b\"", "example.com")]
    [InlineData("<\"john doe\"@example.com>", "\"john doe\"", "example.com")]
    [InlineData("<\"a\\\"b\"@example.com>", "\"a\\\"b\"", "example.com")]
    [InlineData("<\"a>b\"@example.com>", "\"a>b\"", "example.com")]
    [InlineData("<\"\"@example.com>", "\"\"", "example.com")]
    public void Quoted_local_parts_keep_quotes_and_the_domain_follows_the_closing_quote(string input, string local, string domain)
    {
        var path = Accept(input);
        Assert.Equal(local, path.LocalPart);
        Assert.Equal(domain, path.Domain);
    }

    [Theory]
    [InlineData("<\"a\"b@example.com>")]
    [InlineData("<\"abc@example.com>")]
    [InlineData("<\"a\u0001b\"@example.com>")]
    [InlineData("<\"a\\\u0001\"@example.com>")]
    public void Bad_quoted_local_parts_are_refused(string input) => Refuse(input);

    [Theory]
    [InlineData("<user%host.example@relay.example>", "user%host.example", "relay.example")]
    [InlineData("<host.example!user@relay.example>", "host.example!user", "relay.example")]
    [InlineData("<a.b+tag@Example.org>", "a.b+tag", "example.org")]
    [InlineData("<!#$%&'*+-/=?^_`{|}~@example.org>", "!#$%&'*+-/=?^_`{|}~", "example.org")]
    public void Percent_hack_and_bang_path_keep_the_domain_after_the_last_unquoted_at(string input, string local, string domain)
    {
        var path = Accept(input);
        Assert.Equal(local, path.LocalPart);
        Assert.Equal(domain, path.Domain);
    }

    [Theory]
    [InlineData("<a@b@example.com>")]
    [InlineData("<.a@example.com>")]
    [InlineData("<a.@example.com>")]
    [InlineData("<a..b@example.com>")]
    [InlineData("<a b@example.com>")]
    [InlineData("<a(b)@example.com>")]
    [InlineData("<@example.com>")]
    [InlineData("<a@>")]
    [InlineData("<a@.>")]
    [InlineData("<a@example..com>")]
    [InlineData("<a@-example.com>")]
    [InlineData("<a@example-.com>")]
    [InlineData("<a@exa_mple.com>")]
    [InlineData("<a@example.com.. >")]
    [InlineData("a@example.com")]
    [InlineData("<a@example.com")]
    [InlineData("<a@example.com>x")]
    public void Malformed_mailboxes_are_refused(string input) => Refuse(input);

    [Fact]
    public void Remainder_is_what_follows_the_closing_bracket()
    {
        Assert.True(MailPathParser.TryParse("<a@b.example>   SIZE=1 BODY=7BIT", false, out _, out var rest, out _));
        Assert.Equal("SIZE=1 BODY=7BIT", rest);
    }

    [Theory]
    [InlineData("<@a.example,@b.example:user@c.example>")]
    [InlineData("<@a.example:user@C.Example>")]
    public void Source_routes_are_dropped_and_flagged(string input)
    {
        var path = Accept(input);
        Assert.True(path.HadSourceRoute);
        Assert.Equal("user", path.LocalPart);
        Assert.Equal("c.example", path.Domain);
    }

    [Fact]
    public void No_source_route_is_not_flagged() => Assert.False(Accept("<user@c.example>").HadSourceRoute);

    [Theory]
    [InlineData("<@a.example user@c.example>")]
    [InlineData("<@:user@c.example>")]
    [InlineData("<@a.example,b.example:user@c.example>")]
    [InlineData("<@a.example,:user@c.example>")]
    [InlineData("<@[192.0.2.1]:user@c.example>")]
    [InlineData("<@a.example:>")]
    public void Bad_source_routes_are_refused(string input) => Refuse(input);

    [Theory]
    [InlineData("<a@[127.0.0.1]>", "[127.0.0.1]")]
    [InlineData("<a@[255.255.255.255]>", "[255.255.255.255]")]
    [InlineData("<a@[IPv6:::1]>", "[IPv6:::1]")]
    [InlineData("<a@[ipv6:2001:DB8::1]>", "[IPv6:2001:db8::1]")]
    [InlineData("<a@[IPv6:2001:db8:0:0:0:0:0:1]>", "[IPv6:2001:db8::1]")]
    public void Address_literals(string input, string domain)
    {
        var path = Accept(input);
        Assert.Equal(domain, path.Domain);
        Assert.True(path.IsDomainLiteral);
    }

    [Theory]
    [InlineData("<a@[256.0.0.1]>")]
    [InlineData("<a@[1.2.3]>")]
    [InlineData("<a@[1.2.3.4.5]>")]
    [InlineData("<a@[1.2.3.]>")]
    [InlineData("<a@[1.2.3.a]>")]
    [InlineData("<a@[1.2.3.1000]>")]
    [InlineData("<a@[ 1.2.3.4]>")]
    [InlineData("<a@[1.2.3.4>")]
    [InlineData("<a@[]>")]
    [InlineData("<a@[example.com]>")]
    [InlineData("<a@[::1]>")]
    [InlineData("<a@[IPv6:1.2.3.4]>")]
    [InlineData("<a@[IPv6:zz::1]>")]
    [InlineData("<a@[IPv6:1:2:3:4:5:6:7:8:9]>")]
    [InlineData("<a@[tag:content]>")]
    public void Bad_address_literals_are_refused(string input) => Refuse(input);

    [Theory]
    [InlineData("<a@[IPv6:[::1]]>")]
    [InlineData("<a@[IPv6:[::1]:25]>")]
    [InlineData("<a@[IPv6:fe80::1%25]>")]
    public void Ipv6_literals_refuse_url_and_scope_syntax(string input) => Refuse(input);

    [Theory]
    [InlineData("Example.COM.", "example.com")]
    [InlineData("example.com", "example.com")]
    [InlineData("MAIL.Example.Org", "mail.example.org")]
    [InlineData("x", "x")]
    [InlineData("123.example", "123.example")]
    [InlineData("a-b.example", "a-b.example")]
    [InlineData("BÜCHER.Example", "bücher.example")]
    public void Domains_are_normalised(string raw, string expected)
    {
        Assert.True(MailPathParser.TryNormalizeDomain(raw, out var domain));
        Assert.Equal(expected, domain);
        Assert.Equal(expected, Accept($"<User@{raw}>").Domain);
    }

    [Fact]
    public void Local_part_case_is_kept() => Assert.Equal("User.Name", Accept("<User.Name@Example.COM.>").LocalPart);

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("example.com..")]
    [InlineData(".example.com")]
    public void Empty_domains_are_refused(string raw) => Assert.False(MailPathParser.TryNormalizeDomain(raw, out _));

    [Fact]
    public void Label_and_domain_length_limits()
    {
        Assert.True(MailPathParser.TryNormalizeDomain(new string('a', 63) + ".example", out _));
        Assert.False(MailPathParser.TryNormalizeDomain(new string('a', 64) + ".example", out _));
        var domain255 = string.Join('.', Enumerable.Repeat(new string('a', 63), 4));
        Assert.Equal(255, domain255.Length);
        Assert.True(MailPathParser.TryNormalizeDomain(domain255, out _));
        Assert.True(MailPathParser.TryNormalizeDomain(domain255 + ".", out _));
        var domain256 = string.Join('.', Enumerable.Repeat(new string('a', 63), 3)) + "." + new string('a', 62) + ".a";
        Assert.Equal(256, domain256.Length);
        Assert.False(MailPathParser.TryNormalizeDomain(domain256, out _));
    }

    [Fact]
    public void Local_part_over_64_octets_is_refused()
    {
        Assert.Equal(64, Accept($"<{new string('a', 64)}@example.com>").LocalPart.Length);
        Refuse($"<{new string('a', 65)}@example.com>");
        Refuse($"<\"{new string('a', 63)}\"@example.com>"); // 65 octets with the quotes
        // 33 characters but 66 octets in UTF-8: the limit is in octets.
        Assert.Equal(32, Accept($"<{new string('é', 32)}@example.com>").LocalPart.Length);
        Refuse($"<{new string('é', 33)}@example.com>");
    }

    [Theory]
    [InlineData("<δοκιμή@παράδειγμα.δοκιμή>", "δοκιμή", "παράδειγμα.δοκιμή")]
    [InlineData("<用户@例子.广告>", "用户", "例子.广告")]
    [InlineData("<ascii@ÜBER.example>", "ascii", "über.example")]
    [InlineData("<jörg@example.com>", "jörg", "example.com")]
    public void Utf8_addresses_parse_and_are_not_ascii(string input, string local, string domain)
    {
        var path = Accept(input);
        Assert.Equal(local, path.LocalPart);
        Assert.Equal(domain, path.Domain);
        Assert.False(path.IsAscii);
    }

    [Fact]
    public void Ascii_address_is_ascii() => Assert.True(Accept("<a@b.example>").IsAscii);

    [Fact]
    public void Address_and_ToString()
    {
        var path = Accept("<Joe@Example.COM>");
        Assert.Equal("Joe@example.com", path.Address);
        Assert.Equal("<Joe@example.com>", path.ToString());
        Assert.Equal("<>", MailPath.Null.ToString());
    }
}
