using System.Text;
using MailCluster.Core.Dkim;
using MailCluster.Core.SenderAuth;
using MailCluster.Core.Tests.Dkim;
using MimeKit;

namespace MailCluster.Core.Tests.SenderAuth;

public sealed class DkimMessageVerifierTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-07T12:00:00Z");

    private static Task<IReadOnlyList<DkimVerdict>> VerifyAsync(string message, ITxtResolver resolver) =>
        new DkimMessageVerifier(resolver, clock: () => Now).VerifyAsync(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(message))), default);

    [Fact]
    public async Task The_RFC_8463_example_passes_under_both_signatures_and_a_changed_body_fails_both()
    {
        var good = await VerifyAsync(Rfc8463Example.Signed, new TableResolver(Rfc8463Example.Records));
        Assert.Equal([(AuthResult.Pass, "brisbane", "ed25519-sha256"), (AuthResult.Pass, "test", "rsa-sha256")],
            good.Select(v => (v.Result, v.Selector, v.Algorithm)));
        Assert.All(good, v => Assert.Equal("football.example.com", v.Domain));
        Assert.Equal("/gCrinpc", good[0].SignaturePrefix);

        var changed = await VerifyAsync(Rfc8463Example.Signed.Replace("hungry", "angry"), new TableResolver(Rfc8463Example.Records));
        Assert.All(changed, v => Assert.Equal(AuthResult.Fail, v.Result));
    }

    [Fact]
    public async Task A_failed_key_lookup_is_a_temperror_and_a_missing_or_revoked_key_a_permerror()
    {
        var failing = await VerifyAsync(Rfc8463Example.Signed,
            new TableResolver(Rfc8463Example.Records, "brisbane._domainkey.football.example.com"));
        Assert.Equal([AuthResult.TempError, AuthResult.Pass], failing.Select(v => v.Result));

        var missing = await VerifyAsync(Rfc8463Example.Signed, new TableResolver(new Dictionary<string, string>()));
        Assert.All(missing, v => Assert.Equal(AuthResult.PermError, v.Result));
        Assert.Contains("no key", missing[0].Reason);

        var revoked = await VerifyAsync(Rfc8463Example.Signed, new TableResolver(new Dictionary<string, string>
        {
            ["brisbane._domainkey.football.example.com"] = "v=DKIM1; k=ed25519; p=",
            ["test._domainkey.football.example.com"] = Rfc8463Example.Ed25519Record, // the wrong type for an RSA signature
        }));
        Assert.Equal([AuthResult.PermError, AuthResult.PermError], revoked.Select(v => v.Result));
        Assert.Contains("revoked", revoked[0].Reason);
        Assert.Contains("k=ed25519", revoked[1].Reason);
    }

    [Theory]
    [InlineData("a=ed25519-sha256", "a=rsa-sha1", "a=rsa-sha1 is not accepted")]
    [InlineData("h=from : to :\r\n subject : date : message-id : from : subject : date;", "h=to : subject : date;", "From is not signed")]
    [InlineData("i=@football.example.com", "i=@evil.example", "i= is not within d=")]
    [InlineData(" bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n", "", "no bh= tag")]
    public async Task Signatures_RFC_6376_and_8301_refuse_are_permerrors(string from, string to, string reason)
    {
        var edited = ReplaceFirst(Rfc8463Example.Signed, from, to);
        var verdict = (await VerifyAsync(edited, new TableResolver(Rfc8463Example.Records)))[0];
        Assert.Equal(AuthResult.PermError, verdict.Result);
        Assert.Contains(reason, verdict.Reason);
    }

    [Fact]
    public async Task An_expired_signature_fails_without_a_lookup()
    {
        var resolver = new TableResolver(Rfc8463Example.Records);
        var edited = ReplaceFirst(Rfc8463Example.Signed, "t=1528637909;", "t=1528637909; x=1528637910;");
        var verdict = (await VerifyAsync(edited, resolver))[0];
        Assert.Equal((AuthResult.Fail, "signature expired"), (verdict.Result, verdict.Reason));
        Assert.DoesNotContain("brisbane._domainkey.football.example.com", resolver.Asked);
    }

    [Fact]
    public async Task What_MailCluster_signs_verifies()
    {
        var (key, record) = DkimMessageSignerTests.NewKey("example.com", "s1", DkimAlgorithm.RsaSha256);
        var message = Encoding.UTF8.GetBytes("From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n");
        var signed = new DkimMessageSigner(DkimSigningSettings.None with
        {
            KeysByDomain = new Dictionary<string, IReadOnlyList<DkimSigningKey>> { ["example.com"] = [key] },
        }).Sign(true, message);

        var verdicts = await VerifyAsync(Encoding.UTF8.GetString([.. signed.Headers, .. message]),
            new TableResolver(new Dictionary<string, string> { ["s1._domainkey.example.com"] = record }));

        Assert.Equal(AuthResult.Pass, verdicts.Single().Result);
    }

    private static string ReplaceFirst(string text, string from, string to)
    {
        var at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{from}' not in the example");
        return text[..at] + to + text[(at + from.Length)..];
    }
}
