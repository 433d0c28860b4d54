using System.Text;
using MailCluster.Core.SenderAuth;
using MimeKit;

namespace MailCluster.Core.Tests.SenderAuth;

public sealed class DmarcEvaluatorTests
{
    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("a.b.c.example.com", "example.com")]
    [InlineData("mail.example.co.uk", "example.co.uk")]
    [InlineData("co.uk", "co.uk")]
    [InlineData("shop.example.com.au", "example.com.au")]
    [InlineData("a.b.ck", "a.b.ck")]             // *.ck: every name under ck is a suffix
    [InlineData("www.ck", "www.ck")]             // !www.ck carves an exception out of it
    [InlineData("x.city.kawasaki.jp", "city.kawasaki.jp")]
    [InlineData("mail.example.unknowntld", "example.unknowntld")] // no rule: the implicit "*"
    [InlineData("MAIL.Example.COM.", "example.com")]
    public void The_organizational_domain_comes_from_the_public_suffix_list(string domain, string organizational) =>
        Assert.Equal(organizational, PublicSuffixList.Default.OrganizationalDomain(domain));

    [Fact]
    public void The_shipped_list_is_loaded_and_a_newer_file_can_replace_it()
    {
        Assert.True(PublicSuffixList.Default.RuleCount > 5000);
        var custom = PublicSuffixList.Load(new MemoryStream(Encoding.UTF8.GetBytes("// test\ncom\nbrand.com\n")));
        Assert.Equal("shop.brand.com", custom.OrganizationalDomain("www.shop.brand.com"));
    }

    private static DkimVerdict Dkim(string d, AuthResult result = AuthResult.Pass) => new(result, "", d, "s", "rsa-sha256", null);

    private static SpfVerdict Spf(string domain, AuthResult result = AuthResult.Pass) => new(result, SpfIdentity.MailFrom, domain, "");

    private static Task<DmarcVerdict> EvaluateAsync(string from, Dictionary<string, string> records, SpfVerdict? spf, DkimVerdict[] dkim,
        int percentile = 0, params string[] failing) =>
        new DmarcEvaluator(new TableResolver(records, failing), PublicSuffixList.Default, () => percentile)
            .EvaluateAsync(MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes($"From: a@{from}\r\n\r\nx\r\n"))), spf, dkim, default);

    private static Dictionary<string, string> Record(string domain, string record) => new() { [$"_dmarc.{domain}"] = record };

    [Fact]
    public async Task Relaxed_alignment_accepts_the_same_organizational_domain_and_strict_wants_the_same_name()
    {
        var relaxed = Record("example.com", "v=DMARC1; p=reject");
        var strict = Record("example.com", "v=DMARC1; p=reject; adkim=s; aspf=s");

        Assert.Equal(AuthResult.Pass, (await EvaluateAsync("news.example.com", relaxed, null, [Dkim("example.com")])).Result);
        Assert.Equal(AuthResult.Pass, (await EvaluateAsync("news.example.com", relaxed, Spf("bounces.example.com"), [])).Result);
        Assert.Equal(AuthResult.Pass, (await EvaluateAsync("example.com", strict, null, [Dkim("example.com")])).Result);
        var strictFail = await EvaluateAsync("news.example.com", Record("news.example.com", "v=DMARC1; p=reject; adkim=s; aspf=s"), Spf("example.com"), [Dkim("example.com")]);
        Assert.Equal((AuthResult.Fail, DmarcPolicy.Reject), (strictFail.Result, strictFail.Disposition));
    }

    [Fact]
    public async Task Passes_that_do_not_align_or_are_not_passes_fail_with_the_domains_policy()
    {
        var records = Record("bank.example", "v=DMARC1; p=reject");

        var verdict = await EvaluateAsync("bank.example", records, Spf("phish.example"), [Dkim("phish.example"), Dkim("bank.example", AuthResult.Fail)]);

        Assert.Equal(AuthResult.Fail, verdict.Result);
        Assert.Equal(DmarcPolicy.Reject, verdict.Requested);
        Assert.Equal(DmarcPolicy.Reject, verdict.Disposition);
        Assert.Equal(AuthResult.Fail, (await EvaluateAsync("bank.example", records, Spf("bank.example", AuthResult.SoftFail), [])).Result);
    }

    [Fact]
    public async Task A_subdomain_without_its_own_record_gets_the_organizational_domains_sp()
    {
        var records = Record("example.com", "v=DMARC1; p=reject; sp=quarantine");

        var sub = await EvaluateAsync("alerts.example.com", records, null, []);
        var top = await EvaluateAsync("example.com", records, null, []);

        Assert.Equal((AuthResult.Fail, DmarcPolicy.Quarantine), (sub.Result, sub.Requested));
        Assert.Equal(DmarcPolicy.Reject, top.Requested);
    }

    [Fact]
    public async Task Under_a_multi_label_public_suffix_the_organizational_domain_is_one_label_below_it()
    {
        var records = Record("example.co.uk", "v=DMARC1; p=reject");
        var resolverAsked = new TableResolver(records);
        var verdict = await new DmarcEvaluator(resolverAsked, PublicSuffixList.Default, () => 0)
            .EvaluateAsync(MimeMessage.Load(new MemoryStream("From: a@shop.example.co.uk\r\n\r\nx\r\n"u8.ToArray())), null, [Dkim("example.co.uk")], default);

        Assert.Equal(AuthResult.Pass, verdict.Result);
        Assert.Equal(["_dmarc.shop.example.co.uk", "_dmarc.example.co.uk"], resolverAsked.Asked);
        // A signature by the public suffix itself aligns with nobody.
        Assert.Equal(AuthResult.Fail, (await EvaluateAsync("shop.example.co.uk", records, null, [Dkim("co.uk")])).Result);
    }

    [Theory]
    [InlineData(100, 99, DmarcPolicy.Reject)]
    [InlineData(50, 30, DmarcPolicy.Reject)]
    [InlineData(50, 70, DmarcPolicy.Quarantine)] // outside the sample: the next policy down
    [InlineData(0, 0, DmarcPolicy.Quarantine)]
    public async Task Pct_samples_which_failures_get_the_policy(int pct, int percentile, DmarcPolicy disposition)
    {
        var verdict = await EvaluateAsync("example.com", Record("example.com", $"v=DMARC1; p=reject; pct={pct}"), null, [], percentile);
        Assert.Equal(disposition, verdict.Disposition);
    }

    [Fact]
    public async Task No_record_is_none_a_lookup_failure_a_temperror_and_a_bad_record_is_no_record()
    {
        Assert.Equal(AuthResult.None, (await EvaluateAsync("example.com", [], null, [])).Result);
        var failed = await EvaluateAsync("example.com", [], null, [], 0, "_dmarc.example.com");
        Assert.Equal((AuthResult.TempError, DmarcPolicy.None), (failed.Result, failed.Disposition));
        Assert.Equal(AuthResult.None, (await EvaluateAsync("example.com", Record("example.com", "p=reject; v=DMARC1"), null, [])).Result);
        Assert.Equal(DmarcPolicy.None, (await EvaluateAsync("example.com", Record("example.com", "v=DMARC1; p=bogus; rua=mailto:x@example.com"), null, [])).Requested);
    }

    [Fact]
    public async Task Two_From_domains_are_a_permerror()
    {
        var verdict = await new DmarcEvaluator(new TableResolver(new Dictionary<string, string>()), PublicSuffixList.Default)
            .EvaluateAsync(MimeMessage.Load(new MemoryStream("From: a@one.example, b@two.example\r\n\r\nx\r\n"u8.ToArray())), null, [], default);
        Assert.Equal(AuthResult.PermError, verdict.Result);
    }
}
