using System.Diagnostics;
using System.Net;
using MailCluster.Core.Delivery;
using MailCluster.Core.Delivery.Dns;
using MailCluster.TestSupport;

namespace MailCluster.Core.Tests.Delivery;

/// <summary><see cref="MxResolver"/> against a <see cref="DnsStubServer"/> on loopback (the only server it knows).</summary>
public sealed class MxResolverTests : IAsyncLifetime
{
    private static readonly IPAddress Ip1 = IPAddress.Parse("127.0.0.11");
    private static readonly IPAddress Ip2 = IPAddress.Parse("127.0.0.12");
    private static readonly IPAddress Ip3 = IPAddress.Parse("127.0.0.13");

    private readonly DnsStubServer _dns = DnsStubServer.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _dns.DisposeAsync();

    private MxResolver Resolver(int timeoutMs = 2000) => new([_dns.Endpoint], TimeSpan.FromMilliseconds(timeoutMs), 0);

    [Fact]
    public async Task Mx_hosts_come_in_preference_order_with_their_addresses()
    {
        _dns.AddMx("example.test", 20, "mx2.example.test");
        _dns.AddMx("example.test", 10, "mx1.example.test");
        _dns.AddMx("example.test", 30, "mx3.example.test");
        _dns.AddA("mx1.example.test", Ip1);
        _dns.AddA("mx2.example.test", Ip2);
        _dns.AddA("mx3.example.test", Ip3);

        var result = await Resolver().ResolveAsync("Example.Test.", default);

        Assert.Equal(MxResolutionKind.Resolved, result.Kind);
        Assert.False(result.ImplicitMx);
        Assert.Equal(["mx1.example.test", "mx2.example.test", "mx3.example.test"], result.Hosts.Select(h => h.Name));
        Assert.Equal([10, 20, 30], result.Hosts.Select(h => h.Preference));
        Assert.Equal([Ip1], result.Hosts[0].Addresses);
        Assert.Null(result.ToFailure());
    }

    [Fact]
    public async Task Equal_preferences_are_all_kept_ahead_of_higher_ones()
    {
        _dns.AddMx("example.test", 10, "a.example.test");
        _dns.AddMx("example.test", 10, "b.example.test");
        _dns.AddMx("example.test", 5, "first.example.test");
        foreach (var host in new[] { "a", "b", "first" }) _dns.AddA($"{host}.example.test", Ip1);

        var result = await Resolver().ResolveAsync("example.test", default);

        Assert.Equal("first.example.test", result.Hosts[0].Name);
        Assert.Equal(["a.example.test", "b.example.test"], result.Hosts.Skip(1).Select(h => h.Name).Order());
    }

    [Fact]
    public async Task A_and_aaaa_are_both_resolved_ipv4_first()
    {
        _dns.AddMx("example.test", 10, "mx.example.test");
        _dns.AddAaaa("mx.example.test", IPAddress.IPv6Loopback);
        _dns.AddA("mx.example.test", Ip1);

        var result = await Resolver().ResolveAsync("example.test", default);

        Assert.Equal([Ip1, IPAddress.IPv6Loopback], result.Hosts.Single().Addresses);
    }

    [Fact]
    public async Task No_mx_falls_back_to_the_domains_own_address()
    {
        _dns.AddA("plain.test", Ip3);

        var result = await Resolver().ResolveAsync("plain.test", default);

        Assert.Equal(MxResolutionKind.Resolved, result.Kind);
        Assert.True(result.ImplicitMx);
        var host = Assert.Single(result.Hosts);
        Assert.Equal("plain.test", host.Name);
        Assert.Equal([Ip3], host.Addresses);
        Assert.Contains(_dns.Queries, q => q.Name == "plain.test" && q.Type == DnsRecordType.Mx);
    }

    [Fact]
    public async Task Null_mx_fails_recipients_with_5_1_10()
    {
        _dns.AddNullMx("nomail.test");
        _dns.AddA("nomail.test", Ip1); // must not be used as an implicit MX

        var result = await Resolver().ResolveAsync("nomail.test", default);

        Assert.Equal(MxResolutionKind.NullMx, result.Kind);
        var failure = result.ToFailure()!;
        Assert.Equal(DeliveryStatus.Failed, failure.Status);
        Assert.Equal("5.1.10", failure.EnhancedStatus);
    }

    [Fact]
    public async Task Nxdomain_fails_recipients_with_5_1_2()
    {
        _dns.NxDomain("gone.test");

        var result = await Resolver().ResolveAsync("gone.test", default);

        Assert.Equal(MxResolutionKind.NoSuchDomain, result.Kind);
        Assert.Equal((DeliveryStatus.Failed, "5.1.2"), (result.ToFailure()!.Status, result.ToFailure()!.EnhancedStatus));
    }

    [Fact]
    public async Task Servfail_defers_with_4_4_3()
    {
        _dns.ServFail("broken.test");

        var result = await Resolver().ResolveAsync("broken.test", default);

        Assert.Equal(MxResolutionKind.TemporaryFailure, result.Kind);
        Assert.Equal((DeliveryStatus.Deferred, "4.4.3"), (result.ToFailure()!.Status, result.ToFailure()!.EnhancedStatus));
    }

    [Fact]
    public async Task Unanswered_query_is_a_temporary_failure_within_the_timeout()
    {
        _dns.Drop("slow.test");
        var clock = Stopwatch.StartNew();

        var result = await Resolver(timeoutMs: 300).ResolveAsync("slow.test", default);

        Assert.Equal(MxResolutionKind.TemporaryFailure, result.Kind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Mx_host_without_addresses_fails_with_5_4_4()
    {
        _dns.AddMx("example.test", 10, "noaddr.example.test");
        _dns.AddTxt("noaddr.example.test", "exists but has no A");

        var result = await Resolver().ResolveAsync("example.test", default);

        Assert.Equal(MxResolutionKind.NoAddresses, result.Kind);
        Assert.Equal((DeliveryStatus.Failed, "5.4.4"), (result.ToFailure()!.Status, result.ToFailure()!.EnhancedStatus));
    }

    [Fact]
    public async Task Mx_hosts_whose_lookup_fails_are_skipped_or_make_it_temporary()
    {
        _dns.AddMx("example.test", 10, "bad.example.test");
        _dns.AddMx("example.test", 20, "good.example.test");
        _dns.ServFail("bad.example.test");
        _dns.AddA("good.example.test", Ip2);
        _dns.AddMx("other.test", 10, "bad.example.test");

        var partly = await Resolver().ResolveAsync("example.test", default);
        var only = await Resolver().ResolveAsync("other.test", default);

        Assert.Equal(["good.example.test"], partly.Hosts.Select(h => h.Name));
        Assert.Equal(MxResolutionKind.TemporaryFailure, only.Kind);
    }

    [Fact]
    public async Task Address_literals_need_no_dns()
    {
        var v4 = await Resolver().ResolveAsync("[127.0.0.9]", default);
        var v6 = await Resolver().ResolveAsync("[IPv6:::1]", default);
        var host = await Resolver().ResolveHostAsync("127.0.0.8", default);

        Assert.Equal([IPAddress.Parse("127.0.0.9")], v4.Hosts.Single().Addresses);
        Assert.Equal([IPAddress.IPv6Loopback], v6.Hosts.Single().Addresses);
        Assert.Equal([IPAddress.Parse("127.0.0.8")], host.Hosts.Single().Addresses);
        Assert.Empty(_dns.Queries);
    }

    [Fact]
    public async Task Resolve_host_asks_only_for_addresses()
    {
        _dns.AddA("relay.test", Ip1);
        _dns.AddMx("relay.test", 10, "elsewhere.test");

        var result = await Resolver().ResolveHostAsync("relay.test", default);

        Assert.Equal([Ip1], result.Hosts.Single().Addresses);
        Assert.DoesNotContain(_dns.Queries, q => q.Type == DnsRecordType.Mx);
    }
}
