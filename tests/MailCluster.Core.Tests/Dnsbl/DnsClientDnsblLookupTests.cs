using System.Diagnostics;
using System.Net;
using MailCluster.Core.Dnsbl;
using MailCluster.TestSupport;

namespace MailCluster.Core.Tests.Dnsbl;

/// <summary>
/// Runs <see cref="DnsClientDnsblLookup"/> against a <see cref="DnsStubServer"/> on 127.0.0.1: the stub is
/// the only configured server, and its query log shows every question really went there.
/// </summary>
public sealed class DnsClientDnsblLookupTests : IAsyncLifetime
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.1");
    private const string ClientName = "1.2.0.192";
    private static readonly IPAddress Code2 = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Code4 = IPAddress.Parse("127.0.0.4");

    private readonly DnsStubServer _stub = DnsStubServer.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _stub.DisposeAsync();

    private DnsClientDnsblLookup Lookup(int timeoutMs = 2000, int retries = 0) =>
        new(new DnsblLookupOptions([_stub.Endpoint], TimeSpan.FromMilliseconds(timeoutMs), retries));

    private Task<DnsblResult> CheckAsync(IPAddress client, params DnsblZone[] zones) =>
        Lookup().CheckAsync(client, zones, CancellationToken.None);

    [Fact]
    public async Task Listed_ipv4_carries_code_and_txt_text()
    {
        _stub.AddA($"{ClientName}.zen.example", Code2);
        _stub.AddTxt($"{ClientName}.zen.example", "https://zen.example/query/ip/192.0.2.1");

        var result = await CheckAsync(Client, new DnsblZone("zen.example"));

        Assert.Equal(new Listed("zen.example", Code2, "https://zen.example/query/ip/192.0.2.1"), result);
        Assert.Equal(
            [new DnsStubQuery($"{ClientName}.zen.example", DnsRecordType.A, false), new DnsStubQuery($"{ClientName}.zen.example", DnsRecordType.Txt, false)],
            _stub.Queries);
    }

    [Fact]
    public async Task Listed_without_txt_has_null_text()
    {
        _stub.AddA($"{ClientName}.zen.example", Code2);

        Assert.Equal(new Listed("zen.example", Code2, null), await CheckAsync(Client, new DnsblZone("zen.example")));
    }

    [Fact]
    public async Task Nxdomain_is_not_listed()
    {
        var result = await CheckAsync(Client, new DnsblZone("zen.example"));

        Assert.IsType<NotListed>(result);
        Assert.Equal([new DnsStubQuery($"{ClientName}.zen.example", DnsRecordType.A, false)], _stub.Queries);
    }

    [Fact]
    public async Task Names_match_case_insensitively()
    {
        _stub.AddA($"{ClientName}.ZEN.Example", Code2);

        Assert.IsType<Listed>(await CheckAsync(Client, new DnsblZone("zen.EXAMPLE")));
    }

    [Fact]
    public async Task Ipv6_client_is_looked_up_by_reversed_nibbles()
    {
        const string nibbles = "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2";
        _stub.AddA($"{nibbles}.v6.example", Code2);

        var result = await CheckAsync(IPAddress.Parse("2001:db8:1:2:3:4:567:89ab"), new DnsblZone("v6.example"));

        Assert.Equal(new Listed("v6.example", Code2, null), result);
        Assert.Equal($"{nibbles}.v6.example", _stub.Queries[0].Name);
    }

    [Fact]
    public async Task Ipv4_mapped_client_is_looked_up_as_ipv4()
    {
        _stub.AddA($"{ClientName}.zen.example", Code2);

        Assert.IsType<Listed>(await CheckAsync(IPAddress.Parse("::ffff:192.0.2.1"), new DnsblZone("zen.example")));
        Assert.Equal($"{ClientName}.zen.example", _stub.Queries[0].Name);
    }

    [Fact]
    public async Task Match_codes_ignore_other_answers()
    {
        _stub.AddA($"{ClientName}.zen.example", Code2);

        var result = await CheckAsync(Client, new DnsblZone("zen.example", [Code4]));

        Assert.IsType<NotListed>(result);
    }

    [Fact]
    public async Task Match_codes_pick_the_matching_answer()
    {
        _stub.AddA($"{ClientName}.zen.example", Code2, Code4);

        var result = await CheckAsync(Client, new DnsblZone("zen.example", [Code4]));

        Assert.Equal(new Listed("zen.example", Code4, null), result);
    }

    [Fact]
    public async Task Servfail_is_lookup_failed()
    {
        _stub.ServFail($"{ClientName}.zen.example");

        var result = await CheckAsync(Client, new DnsblZone("zen.example"));

        Assert.Equal("zen.example", Assert.IsType<LookupFailed>(result).Zone);
        Assert.Equal(1, _stub.QueriesReceived);
    }

    [Fact]
    public async Task Unanswered_query_is_lookup_failed_within_the_timeout()
    {
        _stub.Drop($"{ClientName}.zen.example");
        var stopwatch = Stopwatch.StartNew();

        var result = await Lookup(timeoutMs: 300, retries: 0).CheckAsync(Client, [new DnsblZone("zen.example")], CancellationToken.None);

        Assert.IsType<LookupFailed>(result);
        // 300 ms and no retry; the slack is for a busy shared machine, not for a second attempt.
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.Equal(1, _stub.QueriesReceived);
    }

    [Fact]
    public async Task Retries_ask_again()
    {
        _stub.Drop($"{ClientName}.zen.example");

        var result = await Lookup(timeoutMs: 200, retries: 2).CheckAsync(Client, [new DnsblZone("zen.example")], CancellationToken.None);

        Assert.IsType<LookupFailed>(result);
        Assert.Equal(3, _stub.QueriesReceived);
    }

    [Fact]
    public async Task Answer_outside_127_8_is_lookup_failed_not_a_listing()
    {
        // What a resolver that rewrites NXDOMAIN to an ad server looks like.
        _stub.AddA($"{ClientName}.zen.example", IPAddress.Parse("198.51.100.7"));

        var result = await CheckAsync(Client, new DnsblZone("zen.example"));

        Assert.Contains("198.51.100.7", Assert.IsType<LookupFailed>(result).Reason);
    }

    [Fact]
    public async Task Several_zones_report_the_listing_and_ask_each_zone_once()
    {
        _stub.ServFail($"{ClientName}.broken.example");
        _stub.AddA($"{ClientName}.second.example", Code2);
        _stub.AddTxt($"{ClientName}.second.example", "listed by second");

        var result = await CheckAsync(Client,
            new DnsblZone("clean.example"), new DnsblZone("broken.example"), new DnsblZone("second.example"), new DnsblZone("also-clean.example"));

        Assert.Equal(new Listed("second.example", Code2, "listed by second"), result);
        var asked = _stub.Queries.Where(q => q.Type == DnsRecordType.A).Select(q => q.Name).Order();
        Assert.Equal(
            new[] { "also-clean", "broken", "clean", "second" }.Select(z => $"{ClientName}.{z}.example"),
            asked);
    }

    [Fact]
    public async Task First_listing_in_zone_order_wins()
    {
        _stub.AddA($"{ClientName}.first.example", Code4);
        _stub.AddA($"{ClientName}.second.example", Code2);

        var result = await CheckAsync(Client, new DnsblZone("first.example"), new DnsblZone("second.example"));

        Assert.Equal(new Listed("first.example", Code4, null), result);
    }

    [Fact]
    public async Task A_failed_zone_without_any_listing_is_lookup_failed()
    {
        _stub.ServFail($"{ClientName}.broken.example");

        var result = await CheckAsync(Client, new DnsblZone("clean.example"), new DnsblZone("broken.example"));

        Assert.Equal("broken.example", Assert.IsType<LookupFailed>(result).Zone);
    }

    [Fact]
    public async Task Truncated_udp_answer_is_retried_over_tcp()
    {
        var longText = new string('x', 700); // over the 512-byte UDP limit
        _stub.AddA($"{ClientName}.zen.example", Code2);
        _stub.AddTxt($"{ClientName}.zen.example", longText);

        var result = await CheckAsync(Client, new DnsblZone("zen.example"));

        Assert.Equal(longText, Assert.IsType<Listed>(result).Text);
        Assert.Contains(_stub.Queries, q => q.Type == DnsRecordType.Txt && q.OverTcp);
    }

    [Fact]
    public async Task Cancellation_throws_instead_of_giving_a_verdict()
    {
        _stub.Drop($"{ClientName}.zen.example");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Lookup(timeoutMs: 5000).CheckAsync(Client, [new DnsblZone("zen.example")], cts.Token));
    }

    [Fact]
    public void At_least_one_server_is_required() =>
        Assert.Throws<ArgumentException>(() => new DnsClientDnsblLookup(new DnsblLookupOptions([], TimeSpan.FromSeconds(1), 0)));
}
