using MailCluster.Core.Routing;

namespace MailCluster.Core.Tests.Routing;

public sealed class AliasTableTests
{
    private static AliasTable Table(int maxDepth = 10, int maxResults = 1000, params (string Alias, string[] Targets)[] entries) =>
        new(entries.Select(e => new KeyValuePair<string, IReadOnlyList<string>>(e.Alias, e.Targets)), maxDepth, maxResults);

    private static AliasTable Table(params (string Alias, string[] Targets)[] entries) => Table(10, 1000, entries);

    [Fact]
    public void A_non_alias_expands_to_itself()
    {
        Assert.Equal(["bob@example.com"], Table().Expand("bob@Example.COM."));
        Assert.Equal(["bob@example.com"], AliasTable.Empty.Expand("bob@example.com"));
    }

    [Fact]
    public void Expansion_is_recursive_and_keeps_order()
    {
        var t = Table(
            ("team@example.com", ["alice@example.com", "devs@example.com", "carol@remote.example"]),
            ("devs@example.com", ["dave@example.com", "erin@example.com"]));
        Assert.Equal(
            ["alice@example.com", "dave@example.com", "erin@example.com", "carol@remote.example"],
            t.Expand("team@example.com"));
    }

    [Fact]
    public void Lookup_is_case_insensitive_and_results_dedupe()
    {
        var t = Table(
            ("Sales@Example.com", ["ann@example.com", "ANN@example.com", "team@example.com"]),
            ("team@example.com", ["ann@example.com", "bob@example.com"]));
        Assert.Equal(["ann@example.com", "bob@example.com"], t.Expand("sales@EXAMPLE.com"));
        Assert.True(t.TryGetTargets("SALES@example.com", out var direct));
        Assert.Equal(["ann@example.com", "team@example.com"], direct);
    }

    [Fact]
    public void An_alias_naming_itself_keeps_a_copy_in_its_mailbox()
    {
        var t = Table(("bob@example.com", ["bob@example.com", "archive@example.com"]));
        Assert.Equal(["bob@example.com", "archive@example.com"], t.Expand("bob@example.com"));
    }

    [Fact]
    public void A_cycle_stops_at_the_address_that_closes_it()
    {
        var t = Table(
            ("a@example.com", ["b@example.com"]),
            ("b@example.com", ["c@example.com"]),
            ("c@example.com", ["a@example.com", "x@example.com"]));
        Assert.Equal(["a@example.com", "x@example.com"], t.Expand("a@example.com"));
        Assert.Equal(["b@example.com", "x@example.com"], t.Expand("b@example.com"));
    }

    [Fact]
    public void Too_deep_a_chain_is_refused_as_a_routing_loop()
    {
        var entries = Enumerable.Range(0, 12).Select(i => ($"l{i}@example.com", new[] { $"l{i + 1}@example.com" })).ToArray();
        var ex = Assert.Throws<AliasExpansionException>(() => Table(5, 1000, entries).Expand("l0@example.com"));
        Assert.Equal("5.4.6", ex.EnhancedStatus);
        Assert.Equal("l0@example.com", ex.Recipient);
        // Exactly at the limit is fine.
        Assert.Equal(["l5@example.com"], Table(5, 1000, entries).Expand("l0@example.com", a => a != "l5@example.com"));
    }

    [Fact]
    public void Too_wide_an_expansion_is_refused()
    {
        var t = Table(10, 3, ("all@example.com", ["a@x.example", "b@x.example", "c@x.example", "d@x.example"]));
        Assert.Throws<AliasExpansionException>(() => t.Expand("all@example.com"));
    }

    [Fact]
    public void Shared_member_lists_nested_deeply_expand_in_linear_time()
    {
        // 30 levels of "level i = level i+1 twice" would be 2^30 walks without remembering expanded aliases.
        var entries = Enumerable.Range(0, 30)
            .Select(i => ($"l{i}@example.com", new[] { $"l{i + 1}@example.com", $"m{i + 1}@example.com" }))
            .Concat(Enumerable.Range(1, 30).Select(i => ($"m{i}@example.com", new[] { $"l{i}@example.com" })))
            .ToArray();
        var result = Table(100, 1000, entries).Expand("l0@example.com");
        Assert.Equal(["l30@example.com"], result);
    }

    [Fact]
    public void The_predicate_limits_which_addresses_are_looked_up()
    {
        var t = Table(
            ("list@example.com", ["someone@remote.example"]),
            ("someone@remote.example", ["hijack@evil.example"]));
        Assert.Equal(["someone@remote.example"], t.Expand("list@example.com", a => a.EndsWith("@example.com")));
        Assert.Equal(["list@example.com"], t.Expand("list@example.com", _ => false));
    }

    [Fact]
    public void Bad_entries_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Table(("nodomain", ["a@example.com"])));
        Assert.Throws<ArgumentException>(() => Table(("a@example.com", ["bad"])));
        Assert.Throws<ArgumentException>(() => Table(("a@example.com", Array.Empty<string>())));
        Assert.Throws<ArgumentOutOfRangeException>(() => Table(0, 10));
    }

    [Fact]
    public void Duplicate_keys_merge()
    {
        var t = Table(("a@example.com", ["x@example.com"]), ("A@example.com", ["y@example.com", "x@example.com"]));
        Assert.Equal(1, t.Count);
        Assert.Equal(["x@example.com", "y@example.com"], t.Expand("a@example.com"));
    }
}
