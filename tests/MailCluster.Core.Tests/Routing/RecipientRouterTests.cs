using MailCluster.Core.Routing;

namespace MailCluster.Core.Tests.Routing;

public sealed class RecipientRouterTests
{
    private static NextHop Route(string text) =>
        NextHop.TryParseRoute(text, out var hop, out var error) ? hop : throw new ArgumentException(error);

    private static AliasTable Aliases(params (string Alias, string[] Targets)[] entries) =>
        new(entries.Select(e => new KeyValuePair<string, IReadOnlyList<string>>(e.Alias, e.Targets)));

    private static readonly AliasTable StandardAliases = Aliases(
        ("info@example.com", ["alice@example.com", "bob@example.com"]),
        ("sales@example.com", ["carol@partner.example", "info@example.com"]),
        ("fwd@example.com", ["someone@gmail.example"]),
        ("lit@example.com", ["ops@[192.0.2.9]"]),
        ("postmaster@example.com", ["root@example.com"]),
        ("keep@example.com", ["keep@example.com", "copy@other.example"]),
        ("store@example.org", ["alice@example.com"]));

    private static readonly Dictionary<string, RoutingTable> Tables = new()
    {
        ["plain"] = new RoutingTable(
            localDomains: ["example.com", "example.org"],
            relayDomains: ["relayed.example"],
            aliases: StandardAliases),
        ["routes"] = new RoutingTable(
            localDomains: ["example.com", "example.org", "hosted.example"],
            relayDomains: ["relayed.example", "norte.example"],
            routes: new Dictionary<string, NextHop>
            {
                ["relayed.example"] = Route("smtp:[10.0.0.5]:2525"),
                [".corp.example"] = Route("smtp:[gw.corp.example]"),
                ["corp.example"] = Route("smtp:[hq.corp.example]"),
                [".deep.corp.example"] = Route("smtp:[deep-gw.example]"),
                ["partner.example"] = Route("smtp:partner-mx.example"),
                ["hosted.example"] = Route("lmtp:[10.1.1.1]:24"),
            },
            defaultRoute: Route("smtp:[smarthost.example]:587"),
            aliases: StandardAliases,
            localTransport: Route("lmtp:[127.0.0.1]:24")),
    };

    [Theory]
    // Plain table: local mailboxes, aliases, MX for everything else.
    [InlineData("plain", "alice@example.com", "alice@example.com=local")]
    [InlineData("plain", "Alice@example.com", "Alice@example.com=local")]
    [InlineData("plain", "x@example.org", "x@example.org=local")]
    [InlineData("plain", "postmaster", "root@example.com=local")]
    [InlineData("plain", "PostMaster", "root@example.com=local")]
    [InlineData("plain", "postmaster@example.org", "postmaster@example.org=local")]
    [InlineData("plain", "info@example.com", "alice@example.com=local|bob@example.com=local")]
    [InlineData("plain", "INFO@example.com", "alice@example.com=local|bob@example.com=local")]
    [InlineData("plain", "sales@example.com", "carol@partner.example=smtp:partner.example|alice@example.com=local|bob@example.com=local")]
    [InlineData("plain", "fwd@example.com", "someone@gmail.example=smtp:gmail.example")]
    [InlineData("plain", "lit@example.com", "ops@[192.0.2.9]=smtp:[192.0.2.9]:25")]
    [InlineData("plain", "keep@example.com", "keep@example.com=local|copy@other.example=smtp:other.example")]
    [InlineData("plain", "store@example.org", "alice@example.com=local")]
    [InlineData("plain", "bob@remote.example", "bob@remote.example=smtp:remote.example")]
    [InlineData("plain", "bob@relayed.example", "bob@relayed.example=smtp:relayed.example")]
    [InlineData("plain", "bob@bücher.example", "bob@bücher.example=smtp:xn--bcher-kva.example")]
    [InlineData("plain", "bob@[192.0.2.1]", "bob@[192.0.2.1]=smtp:[192.0.2.1]:25")]
    [InlineData("plain", "bob@[IPv6:2001:db8::1]", "bob@[ipv6:2001:db8::1]=smtp:[2001:db8::1]:25")]
    [InlineData("plain", "\"john doe\"@example.com", "\"john doe\"@example.com=local")]
    [InlineData("plain", "\"a@b\"@remote.example", "\"a@b\"@remote.example=smtp:remote.example")]
    // Routes table: LMTP for local mailboxes, transport_maps-style routes, a relayhost.
    [InlineData("routes", "alice@example.com", "alice@example.com=lmtp:[127.0.0.1]:24")]
    [InlineData("routes", "postmaster", "root@example.com=lmtp:[127.0.0.1]:24")]
    [InlineData("routes", "info@example.com", "alice@example.com=lmtp:[127.0.0.1]:24|bob@example.com=lmtp:[127.0.0.1]:24")]
    [InlineData("routes", "sales@example.com", "carol@partner.example=smtp:partner-mx.example|alice@example.com=lmtp:[127.0.0.1]:24|bob@example.com=lmtp:[127.0.0.1]:24")]
    [InlineData("routes", "fwd@example.com", "someone@gmail.example=smtp:[smarthost.example]:587")]
    [InlineData("routes", "lit@example.com", "ops@[192.0.2.9]=smtp:[192.0.2.9]:25")]
    [InlineData("routes", "user@hosted.example", "user@hosted.example=lmtp:[10.1.1.1]:24")]
    [InlineData("routes", "bob@relayed.example", "bob@relayed.example=smtp:[10.0.0.5]:2525")]
    [InlineData("routes", "bob@norte.example", "bob@norte.example=smtp:[smarthost.example]:587")]
    [InlineData("routes", "bob@corp.example", "bob@corp.example=smtp:[hq.corp.example]:25")]
    [InlineData("routes", "bob@eu.corp.example", "bob@eu.corp.example=smtp:[gw.corp.example]:25")]
    [InlineData("routes", "bob@a.b.corp.example", "bob@a.b.corp.example=smtp:[gw.corp.example]:25")]
    [InlineData("routes", "bob@x.deep.corp.example", "bob@x.deep.corp.example=smtp:[deep-gw.example]:25")]
    [InlineData("routes", "bob@deep.corp.example", "bob@deep.corp.example=smtp:[gw.corp.example]:25")]
    [InlineData("routes", "bob@notcorp.example", "bob@notcorp.example=smtp:[smarthost.example]:587")]
    [InlineData("routes", "bob@remote.example", "bob@remote.example=smtp:[smarthost.example]:587")]
    [InlineData("routes", "bob@[192.0.2.1]", "bob@[192.0.2.1]=smtp:[192.0.2.1]:25")]
    public void Recipients_route_as_the_table_says(string table, string recipient, string expected)
    {
        var routed = RecipientRouter.Resolve(Tables[table], recipient);
        Assert.Equal(expected, string.Join("|", routed.Select(r => $"{r.Address}={r.Hop.Key}")));
        Assert.All(routed, r => Assert.Equal(recipient, r.OriginalRecipient));
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("")]
    [InlineData("@example.com")]
    [InlineData("bob@")]
    [InlineData("bob@[300.1.1.1]")]
    [InlineData("bob@[1.2]")]
    [InlineData("bob@[2001:db8::1]")]
    [InlineData("bob@[x-tag:whatever]")]
    [InlineData("bob@[192.0.2.1")]
    [InlineData("bob@bad_domain!.example")]
    public void Unroutable_recipients_are_refused(string recipient) =>
        Assert.Throws<ArgumentException>(() => RecipientRouter.Resolve(Tables["plain"], recipient));

    [Fact]
    public void A_bare_postmaster_without_local_domains_is_refused() =>
        Assert.Throws<ArgumentException>(() => RecipientRouter.Resolve(new RoutingTable([]), "postmaster"));

    [Fact]
    public void An_alias_loop_surfaces_as_a_permanent_error()
    {
        var aliases = new AliasTable(
            Enumerable.Range(0, 20).Select(i => new KeyValuePair<string, IReadOnlyList<string>>($"l{i}@example.com", [$"l{i + 1}@example.com"])));
        var table = new RoutingTable(["example.com"], aliases: aliases);
        Assert.Throws<AliasExpansionException>(() => RecipientRouter.Resolve(table, "l0@example.com"));
    }

    [Fact]
    public void Aliases_of_remote_addresses_are_not_expanded()
    {
        // Aliases belong to the domains we own: a table entry for a remote address must not capture its mail.
        var aliases = Aliases(("bob@remote.example", ["thief@evil.example"]));
        var routed = RecipientRouter.Resolve(new RoutingTable(["example.com"], aliases: aliases), "bob@remote.example");
        Assert.Equal("bob@remote.example", Assert.Single(routed).Address);
    }

    [Fact]
    public void The_table_normalizes_its_configuration()
    {
        var table = new RoutingTable(
            ["Example.COM.", "example.com", "example.org"],
            ["Relay.Example."],
            new Dictionary<string, NextHop> { [".Corp.Example."] = NextHop.SmtpHost("gw.corp.example") });
        Assert.Equal(["example.com", "example.org"], table.LocalDomains);
        Assert.True(table.IsLocal("EXAMPLE.com"));
        Assert.True(table.IsRelay("relay.example"));
        Assert.Equal(NextHop.SmtpHost("gw.corp.example"), table.FindRoute("a.corp.example"));
        Assert.Null(table.FindRoute("corp.example"));
        Assert.Equal(NextHop.Local, table.LocalHop);
        Assert.Null(table.DefaultRoute);
    }

    [Fact]
    public void A_route_given_twice_is_refused() =>
        Assert.Throws<ArgumentException>(() => new RoutingTable(["example.com"], routes:
        [
            new KeyValuePair<string, NextHop>("corp.example", NextHop.Local),
            new KeyValuePair<string, NextHop>("Corp.Example.", NextHop.Local),
        ]));
}
