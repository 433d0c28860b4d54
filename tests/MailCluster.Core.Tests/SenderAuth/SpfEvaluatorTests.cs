using System.Net;
using MailCluster.Core.SenderAuth;
using MailCluster.TestSupport;

namespace MailCluster.Core.Tests.SenderAuth;

/// <summary>RFC 7208 cases against real DNS on loopback (the stub answers as an authoritative server would).</summary>
public sealed class SpfEvaluatorTests : IAsyncLifetime
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private readonly DnsStubServer _dns = DnsStubServer.Start();
    private SpfEvaluator _spf = null!;

    public Task InitializeAsync()
    {
        _spf = new SpfEvaluator(SpfEvaluator.CreateResolver([_dns.Endpoint], TimeSpan.FromSeconds(1)), "mx.test");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dns.DisposeAsync();

    private async Task<AuthResult> CheckAsync(string domain, IPAddress? client = null, string local = "user") =>
        (await _spf.CheckMailFromAsync(client ?? Client, "helo.test", $"{local}@{domain}", default)).Result;

    [Fact]
    public async Task Each_qualifier_gives_its_result()
    {
        _dns.AddTxt("pass.test", "v=spf1 ip4:192.0.2.0/24 -all");
        _dns.AddTxt("fail.test", "v=spf1 ip4:198.51.100.1 -all");
        _dns.AddTxt("soft.test", "v=spf1 ~all");
        _dns.AddTxt("neutral.test", "v=spf1 ?all");
        _dns.AddTxt("implicit.test", "v=spf1 ip4:198.51.100.1");
        _dns.AddTxt("nospf.test", "google-site-verification=abc");

        Assert.Equal(AuthResult.Pass, await CheckAsync("pass.test"));
        Assert.Equal(AuthResult.Fail, await CheckAsync("fail.test"));
        Assert.Equal(AuthResult.SoftFail, await CheckAsync("soft.test"));
        Assert.Equal(AuthResult.Neutral, await CheckAsync("neutral.test"));
        Assert.Equal(AuthResult.Neutral, await CheckAsync("implicit.test")); // no match and no all: neutral (4.7)
        Assert.Equal(AuthResult.None, await CheckAsync("nospf.test"));
        Assert.Equal(AuthResult.None, await CheckAsync("nxdomain.test"));
    }

    [Fact]
    public async Task Mechanisms_a_mx_include_exists_ip6_and_redirect_match()
    {
        _dns.AddA("web.mech.test", IPAddress.Parse("192.0.2.10"));
        _dns.AddMx("mxonly.test", 10, "mail.mxonly.test");
        _dns.AddA("mail.mxonly.test", IPAddress.Parse("192.0.2.10"));
        _dns.AddTxt("a.test", "v=spf1 a:web.mech.test -all");
        _dns.AddTxt("mx.test", "v=spf1 mx:mxonly.test -all");
        _dns.AddTxt("provider.test", "v=spf1 ip4:192.0.2.0/28 -all");
        _dns.AddTxt("include.test", "v=spf1 include:provider.test -all");
        _dns.AddTxt("redirect.test", "v=spf1 redirect=provider.test");
        _dns.AddTxt("v6.test", "v=spf1 ip6:2001:db8::/32 -all");

        Assert.Equal(AuthResult.Pass, await CheckAsync("a.test"));
        Assert.Equal(AuthResult.Pass, await CheckAsync("mx.test"));
        Assert.Equal(AuthResult.Pass, await CheckAsync("include.test"));
        Assert.Equal(AuthResult.Pass, await CheckAsync("redirect.test"));
        Assert.Equal(AuthResult.Pass, await CheckAsync("v6.test", IPAddress.Parse("2001:db8::25")));
        Assert.Equal(AuthResult.Fail, await CheckAsync("v6.test"));
    }

    [Fact]
    public async Task Macros_expand_as_RFC_7208_section_7_says()
    {
        // %{ir}: the client IP reversed; %{l1r-}: the local part split on '-', reversed, the rightmost one kept.
        _dns.AddTxt("macro.test", "v=spf1 exists:%{ir}.%{l1r-}.allow.macro.test -all");
        _dns.AddA("10.2.0.192.strong.allow.macro.test", IPAddress.Parse("127.0.0.2"));

        Assert.Equal(AuthResult.Pass, await CheckAsync("macro.test", local: "strong-bad"));
        Assert.Equal(AuthResult.Fail, await CheckAsync("macro.test", local: "weak-bad"));
    }

    [Fact]
    public async Task Syntax_errors_two_records_lookup_limit_overruns_and_include_loops_are_permerrors()
    {
        _dns.AddTxt("syntax.test", "v=spf1 ip4:not-an-address -all");
        _dns.AddTxt("two.test", "v=spf1 -all");
        _dns.AddTxt("two.test", "v=spf1 +all");
        _dns.AddTxt("many.test", "v=spf1 " + string.Join(' ', Enumerable.Range(1, 11).Select(i => $"a:h{i}.many.test")) + " -all");
        for (var i = 1; i <= 11; i++) _dns.AddA($"h{i}.many.test", IPAddress.Parse("198.51.100.1"));
        _dns.AddTxt("loop.test", "v=spf1 include:loop2.test -all");
        _dns.AddTxt("loop2.test", "v=spf1 include:loop.test -all");
        _dns.AddTxt("noinclude.test", "v=spf1 include:missing.test -all");

        Assert.Equal(AuthResult.PermError, await CheckAsync("syntax.test"));
        Assert.Equal(AuthResult.PermError, await CheckAsync("two.test"));
        Assert.Equal(AuthResult.PermError, await CheckAsync("many.test"));
        Assert.Equal(AuthResult.PermError, await CheckAsync("loop.test"));
        Assert.Equal(AuthResult.PermError, await CheckAsync("noinclude.test")); // include of a domain without a record (5.2)
    }

    [Fact]
    public async Task More_than_two_void_lookups_is_a_permerror_even_if_a_later_term_matches()
    {
        _dns.AddTxt("void2.test", "v=spf1 a:v1.void.test a:v2.void.test ip4:192.0.2.10 -all");
        _dns.AddTxt("void3.test", "v=spf1 a:v1.void.test a:v2.void.test a:v3.void.test ip4:192.0.2.10 -all");

        Assert.Equal(AuthResult.Pass, await CheckAsync("void2.test"));
        var three = await _spf.CheckMailFromAsync(Client, "helo.test", "user@void3.test", default);
        Assert.Equal(AuthResult.PermError, three.Result);
        Assert.Contains("void lookups", three.Reason);
    }

    [Fact]
    public async Task A_DNS_failure_is_a_temperror_never_a_fail_or_none()
    {
        _dns.ServFail("broken.test");
        _dns.AddTxt("brokenmech.test", "v=spf1 a:servfail.brokenmech.test -all");
        _dns.ServFail("servfail.brokenmech.test");

        Assert.Equal(AuthResult.TempError, await CheckAsync("broken.test"));
        Assert.Equal(AuthResult.TempError, await CheckAsync("brokenmech.test"));
    }

    [Fact]
    public async Task The_null_sender_is_checked_as_postmaster_at_the_HELO_name_and_HELO_has_its_own_check()
    {
        _dns.AddTxt("helo.test", "v=spf1 ip4:192.0.2.10 -all");

        var bounce = await _spf.CheckMailFromAsync(Client, "helo.test", "", default);
        Assert.Equal((AuthResult.Pass, "helo.test"), (bounce.Result, bounce.Domain));
        Assert.Equal(AuthResult.Pass, (await _spf.CheckHeloAsync(Client, "helo.test", default)).Result);
        Assert.Equal(AuthResult.None, (await _spf.CheckHeloAsync(Client, "[192.0.2.10]", default)).Result);
    }

    [Fact]
    public async Task Answers_are_cached_so_a_burst_from_one_sender_asks_once()
    {
        _dns.AddTxt("burst.test", "v=spf1 a:web.burst.test -all");
        _dns.AddA("web.burst.test", IPAddress.Parse("192.0.2.10"));

        for (var i = 0; i < 20; i++) Assert.Equal(AuthResult.Pass, await CheckAsync("burst.test"));

        Assert.Equal(1, _dns.Queries.Count(q => q.Name.TrimEnd('.') == "burst.test"));
        Assert.Equal(1, _dns.Queries.Count(q => q.Name.TrimEnd('.') == "web.burst.test"));
    }
}
