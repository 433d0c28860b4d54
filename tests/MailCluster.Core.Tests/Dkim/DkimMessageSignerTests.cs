using System.Text;
using MailCluster.Core.Dkim;
using MailCluster.TestSupport.Dkim;
using Org.BouncyCastle.Crypto.Parameters;

namespace MailCluster.Core.Tests.Dkim;

public sealed class DkimMessageSignerTests
{
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1528637909);

    [Fact]
    public void The_RFC_8463_example_verifies_under_both_signatures()
    {
        var results = DkimCheck.MimeKit(Encoding.ASCII.GetBytes(Rfc8463Example.Signed), Rfc8463Example.Records);
        Assert.Equal([("football.example.com", "brisbane", true), ("football.example.com", "test", true)], results);
        var tampered = Rfc8463Example.Signed.Replace("hungry", "angry");
        Assert.All(DkimCheck.MimeKit(Encoding.ASCII.GetBytes(tampered), Rfc8463Example.Records), r => Assert.False(r.Valid));
    }

    [Fact]
    public void Signing_the_RFC_8463_message_with_its_key_gives_its_body_hash_and_a_signature_its_record_verifies()
    {
        var key = new DkimSigningKey("football.example.com", "brisbane", DkimAlgorithm.Ed25519Sha256,
            new Ed25519PrivateKeyParameters(Convert.FromBase64String(Rfc8463Example.Ed25519Seed)), "rfc8463");
        var signer = Signer(Settings(key));
        var message = Encoding.ASCII.GetBytes(Rfc8463Example.Unsigned);

        var outcome = signer.Sign(trustedClient: true, message);

        Assert.True(outcome.IsSigned, outcome.Rule);
        var field = Encoding.ASCII.GetString(outcome.Headers);
        Assert.Contains($"bh={Rfc8463Example.BodyHash};", field);
        Assert.Contains("t=1528637909;", field);
        Assert.Contains("a=ed25519-sha256;", field);
        Assert.Equal([("football.example.com", "brisbane", true)], DkimCheck.MimeKit([.. outcome.Headers, .. message], Rfc8463Example.Records));
        // Ed25519 is deterministic: the same message and time give the same field.
        Assert.Equal(field, Encoding.ASCII.GetString(signer.Sign(true, message).Headers));
    }

    /// <summary>
    /// RFC 6376 3.4.5's canonicalization example: relaxed turns the body " C \r\nD \t E\r\n\r\n\r\n" into
    /// " C\r\nD E\r\n", simple into " C \r\nD \t E\r\n"; an empty body is nothing (relaxed) or one CRLF (simple). The
    /// expected bh= values are SHA-256 of those canonical forms, computed outside MailCluster (python3 hashlib).
    /// </summary>
    [Theory]
    [InlineData("relaxed", " C \r\nD \t E\r\n\r\n\r\n", "unak6JHq0wL+Q1HP7dW1tjBx9FLA6DffoZ0qrLwbbpo=")]
    [InlineData("simple", " C \r\nD \t E\r\n\r\n\r\n", "NOeivbQlDH9TmNKJUw7D53wZfsk8YMZ/hTuVVwTgi8s=")]
    [InlineData("relaxed", "", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")]
    [InlineData("simple", "", "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=")]
    public void The_body_hash_of_the_RFC_6376_canonicalization_example(string body, string content, string bodyHash)
    {
        var (key, record) = NewKey("example.com", "s1", DkimAlgorithm.Ed25519Sha256);
        var settings = Settings(key) with
        {
            BodyCanonicalization = body == "simple" ? MimeKit.Cryptography.DkimCanonicalizationAlgorithm.Simple : MimeKit.Cryptography.DkimCanonicalizationAlgorithm.Relaxed,
        };
        var message = Encoding.ASCII.GetBytes("A: X\r\nB : Y\t\r\n\tZ  \r\nFrom: a@example.com\r\n\r\n" + content);

        var outcome = Signer(settings).Sign(true, message);

        Assert.Contains($"bh={bodyHash};", Encoding.ASCII.GetString(outcome.Headers).Replace("\r\n\t", "").Replace("\r\n ", ""));
        Assert.True(DkimCheck.MimeKit([.. outcome.Headers, .. message], new Dictionary<string, string> { ["s1._domainkey.example.com"] = record }).Single().Valid);
    }

    [Fact]
    public void Trusted_mail_gets_one_signature_per_key_and_the_message_itself_is_untouched()
    {
        var (rsa, rsaRecord) = NewKey("example.com", "r2026", DkimAlgorithm.RsaSha256);
        var (ed, edRecord) = NewKey("example.com", "e2026", DkimAlgorithm.Ed25519Sha256);
        var records = new Dictionary<string, string> { ["r2026._domainkey.example.com"] = rsaRecord, ["e2026._domainkey.example.com"] = edRecord };
        var message = Message("From: \"Ann\" <ann@Example.COM>\r\nTo: bob@example.net\r\nSubject: Caf\u00e9  time\r\n", "8-bit body: gr\u00fc\u00dfe \r\n\r\n\r\n");

        var outcome = Signer(Settings(rsa, ed)).Sign(true, message);

        Assert.Equal(DkimSigningOutcome.Signed, outcome.Rule);
        Assert.Equal("example.com", outcome.Domain);
        Assert.Equal(["r2026", "e2026"], outcome.Selectors);
        var text = Encoding.ASCII.GetString(outcome.Headers);
        Assert.DoesNotMatch("[^\r]\n", text); // CRLF only, never a bare LF
        Assert.StartsWith("DKIM-Signature:", text);
        Assert.Contains("h=From:From:", text.Replace("\r\n\t", "").Replace("\r\n ", ""), StringComparison.OrdinalIgnoreCase);
        byte[] delivered = [.. outcome.Headers, .. message];
        Assert.Equal(message, delivered[outcome.Headers.Length..]);
        var results = DkimCheck.MimeKit(delivered, records);
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.True(r.Valid, $"{r.Selector} did not verify"));
    }

    /// <summary>RSA signs through the platform's RSA, not BouncyCastle's; PKCS#1 v1.5 is deterministic, so both must agree.</summary>
    [Fact]
    public void The_native_RSA_signature_is_the_one_BouncyCastle_computes()
    {
        var (key, _) = NewKey("example.com", "s1", DkimAlgorithm.RsaSha256);
        var message = Message("From: ann@example.com\r\nTo: bob@example.net\r\nSubject: same\r\n", "identical bytes\r\n");
        var ours = Encoding.ASCII.GetString(Signer(Settings(key)).Sign(true, message).Headers);

        var parsed = MimeKit.MimeMessage.Load(new MemoryStream(message));
        var format = MimeKit.FormatOptions.Default.Clone();
        format.NewLineFormat = MimeKit.NewLineFormat.Dos;
        new BouncyCastleSigner(key)
        {
            HeaderCanonicalizationAlgorithm = MimeKit.Cryptography.DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = MimeKit.Cryptography.DkimCanonicalizationAlgorithm.Relaxed,
        }.Sign(format, parsed, DkimSigningSettings.None.HeaderListFor(parsed.Headers));
        var theirs = parsed.Headers[0].Value;

        static string B(string field) => string.Concat(field.Split("b=")[^1].Where(c => !char.IsWhiteSpace(c)));
        Assert.Equal(B(theirs), B(ours));
    }

    private sealed class BouncyCastleSigner(DkimSigningKey key)
        : MimeKit.Cryptography.DkimSigner(key.PrivateKey, key.Domain, key.Selector, MimeKit.Cryptography.DkimSignatureAlgorithm.RsaSha256)
    {
        protected override long GetTimestamp() => SignedAt.ToUnixTimeSeconds();
    }

    [Fact]
    public void From_is_oversigned_so_a_second_From_added_later_breaks_the_signature()
    {
        var (key, record) = NewKey("example.com", "s1", DkimAlgorithm.Ed25519Sha256);
        var message = Message("From: ann@example.com\r\nSubject: hi\r\n", "body\r\n");
        var outcome = Signer(Settings(key)).Sign(true, message);
        var records = new Dictionary<string, string> { ["s1._domainkey.example.com"] = record };

        var forged = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString([.. outcome.Headers, .. message])
            .Replace("From: ann@example.com", "From: ceo@example.com\r\nFrom: ann@example.com"));
        Assert.False(DkimCheck.MimeKit(forged, records).Single().Valid);
        var withTrace = Encoding.ASCII.GetBytes("Received: from x by y; Mon, 7 Dec 2026 10:00:00 +0000\r\n").Concat(outcome.Headers).Concat(message).ToArray();
        Assert.True(DkimCheck.MimeKit(withTrace, records).Single().Valid, "a trace header added by a later hop must not break it");
    }

    [Fact]
    public void Mail_from_untrusted_clients_or_without_a_key_is_not_signed()
    {
        var (key, _) = NewKey("example.com", "s1", DkimAlgorithm.Ed25519Sha256);
        var signer = Signer(Settings(key));

        Assert.Equal(DkimSigningOutcome.UntrustedClient, signer.Sign(false, Message("From: ann@example.com\r\n", "x\r\n")).Rule);
        Assert.Equal(DkimSigningOutcome.NoKey, signer.Sign(true, Message("From: ann@other.example\r\n", "x\r\n")).Rule);
        Assert.Equal(DkimSigningOutcome.NoAuthorDomain, signer.Sign(true, Message("To: bob@example.net\r\n", "x\r\n")).Rule);
        Assert.Equal(DkimSigningOutcome.NoAuthorDomain,
            signer.Sign(true, Message("From: ann@example.com\r\nFrom: eve@example.com\r\n", "x\r\n")).Rule);
        Assert.Equal(DkimSigningOutcome.NoAuthorDomain,
            signer.Sign(true, Message("From: ann@example.com, eve@evil.example\r\n", "x\r\n")).Rule);
        Assert.Empty(signer.Sign(false, Message("From: ann@example.com\r\n", "x\r\n")).Headers);
    }

    [Fact]
    public void A_subdomain_author_is_signed_with_the_parent_domains_key_but_a_lookalike_is_not()
    {
        var (key, record) = NewKey("example.com", "s1", DkimAlgorithm.RsaSha256);
        var signer = Signer(Settings(key));
        var message = Message("From: alerts@mail.example.com\r\n", "x\r\n");

        var outcome = signer.Sign(true, message);

        Assert.True(outcome.IsSigned);
        Assert.Contains("d=example.com;", Encoding.ASCII.GetString(outcome.Headers));
        Assert.True(DkimCheck.MimeKit([.. outcome.Headers, .. message], new Dictionary<string, string> { ["s1._domainkey.example.com"] = record }).Single().Valid);
        Assert.Equal(DkimSigningOutcome.NoKey, signer.Sign(true, Message("From: a@notexample.com\r\n", "x\r\n")).Rule);
        Assert.Equal(DkimSigningOutcome.NoKey, signer.Sign(true, Message("From: a@com\r\n", "x\r\n")).Rule);
    }

    [Fact]
    public void The_signature_lifetime_sets_x()
    {
        var (key, _) = NewKey("example.com", "s1", DkimAlgorithm.Ed25519Sha256);
        var settings = Settings(key) with { SignatureLifetime = TimeSpan.FromDays(7) };
        var field = Encoding.ASCII.GetString(Signer(settings).Sign(true, Message("From: a@example.com\r\n", "x\r\n")).Headers);
        Assert.Contains($"x={SignedAt.AddDays(7).ToUnixTimeSeconds()}", field);
    }

    internal static (DkimSigningKey Key, string Record) NewKey(string domain, string selector, DkimAlgorithm algorithm)
    {
        var (pem, publicKey) = DkimKeyFile.Generate(algorithm);
        var path = Path.Combine(Path.GetTempPath(), $"dkim-test-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, pem);
        try { return (new DkimSigningKey(domain, selector, algorithm, DkimKeyFile.Load(path, algorithm), path), DkimKeyFile.DnsRecord(algorithm, publicKey)); }
        finally { File.Delete(path); }
    }

    private static DkimSigningSettings Settings(params DkimSigningKey[] keys) =>
        DkimSigningSettings.None with
        {
            KeysByDomain = keys.GroupBy(k => k.Domain).ToDictionary(g => g.Key, g => (IReadOnlyList<DkimSigningKey>)g.ToList()),
        };

    private static DkimMessageSigner Signer(DkimSigningSettings settings) => new(settings, () => SignedAt);

    private static byte[] Message(string headers, string body) => Encoding.UTF8.GetBytes(headers + "\r\n" + body);
}
