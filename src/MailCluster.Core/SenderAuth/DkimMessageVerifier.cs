using MailCluster.Core.Dkim;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailCluster.Core.SenderAuth;

/// <summary>
/// Verifies every DKIM-Signature of a message (up to a limit), each to its own result. The tag checks RFC 6376 and
/// RFC 8301 demand come first, then the key lookup (through the caching resolver: a TempError never becomes a fail),
/// then MimeKit's verification of the body hash and the signature.
/// </summary>
public sealed class DkimMessageVerifier(ITxtResolver resolver, int maxSignatures = 5, Func<DateTimeOffset>? clock = null)
{
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);

    public async Task<IReadOnlyList<DkimVerdict>> VerifyAsync(MimeMessage message, CancellationToken ct)
    {
        var verdicts = new List<DkimVerdict>();
        foreach (var header in message.Headers.Where(h => h.Id == HeaderId.DkimSignature).Take(maxSignatures))
            verdicts.Add(await VerifyAsync(message, header, ct));
        return verdicts;
    }

    private async Task<DkimVerdict> VerifyAsync(MimeMessage message, Header header, CancellationToken ct)
    {
        var tags = TagList.ParseOrEmpty(header.Value);
        string? Tag(string name) => tags[name];
        var (d, s, a) = (Tag("d")?.ToLowerInvariant(), Tag("s"), Tag("a")?.ToLowerInvariant());
        var prefix = Tag("b") is { } b ? new string(b.Where(c => !char.IsWhiteSpace(c)).Take(8).ToArray()) : null;
        DkimVerdict Verdict(AuthResult result, string reason) => new(result, reason, d, s, a, prefix);

        if (tags.Count == 0) return Verdict(AuthResult.PermError, "malformed signature");
        foreach (var required in new[] { "v", "a", "b", "bh", "d", "h", "s" })
            if (string.IsNullOrEmpty(Tag(required))) return Verdict(AuthResult.PermError, $"signature has no {required}= tag");
        if (Tag("v") != "1") return Verdict(AuthResult.PermError, $"v={Tag("v")} is not 1");
        // RFC 8301: rsa-sha1 must not be considered valid.
        if (a is not ("rsa-sha256" or "ed25519-sha256")) return Verdict(AuthResult.PermError, $"a={a} is not accepted");
        if (!Tag("h")!.Split(':').Any(h => h.Trim().Equals("from", StringComparison.OrdinalIgnoreCase)))
            return Verdict(AuthResult.PermError, "From is not signed");
        if (Tag("i") is { } identity && !IsWithin(identity[(identity.LastIndexOf('@') + 1)..].ToLowerInvariant(), d!))
            return Verdict(AuthResult.PermError, "i= is not within d=");
        if (Tag("x") is { } x && long.TryParse(x, out var expires) && expires < _clock().ToUnixTimeSeconds())
            return Verdict(AuthResult.Fail, "signature expired");

        var name = $"{s}._domainkey.{d}";
        var lookup = await resolver.LookupTxtAsync(name, ct);
        if (lookup.Status == TxtLookupStatus.TempError) return Verdict(AuthResult.TempError, $"key lookup failed: {lookup.Error}");
        var record = lookup.Records.FirstOrDefault(r => DkimKeyRecord.TryParse(r, out _, out _));
        if (record is null) return Verdict(AuthResult.PermError, lookup.Status == TxtLookupStatus.NotFound ? "no key published" : "no valid key record");
        DkimKeyRecord.TryParse(record, out var key, out _);
        if (key.IsRevoked) return Verdict(AuthResult.PermError, "key revoked");
        var expectedType = a == "rsa-sha256" ? "rsa" : "ed25519";
        if (key.KeyType != expectedType) return Verdict(AuthResult.PermError, $"key is k={key.KeyType}, signature is {a}");

        var verifier = new DkimVerifier(new PublishedKey(record)) { MinimumRsaKeyLength = 1024 };
        verifier.Enable(DkimSignatureAlgorithm.Ed25519Sha256);
        try
        {
            return await verifier.VerifyAsync(message, header, ct)
                ? Verdict(AuthResult.Pass, "good signature")
                : Verdict(AuthResult.Fail, "signature or body hash does not verify");
        }
        catch (FormatException ex) { return Verdict(AuthResult.PermError, ex.Message); }
        catch (NotSupportedException ex) { return Verdict(AuthResult.PermError, ex.Message); }
    }

    private static bool IsWithin(string domain, string parent) => domain == parent || domain.EndsWith("." + parent, StringComparison.Ordinal);

    /// <summary>The key already fetched (and checked) for this one signature, handed to MimeKit.</summary>
    private sealed class PublishedKey(string record) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            GetPublicKey(record);

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(GetPublicKey(record));
    }
}
