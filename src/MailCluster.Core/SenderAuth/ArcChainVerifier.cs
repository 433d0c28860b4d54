using MailCluster.Core.Dkim;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailCluster.Core.SenderAuth;

/// <summary>The ARC chain's result (RFC 8617 5.2) and who sealed it last: the forwarder a trusted-sealer list names.</summary>
public sealed record ArcVerdict(AuthResult Result, int Instances, string? Sealer, string Reason);

/// <summary>
/// ARC verification (RFC 8617) with MimeKit's ArcVerifier, keys fetched through the node's caching resolver. A key
/// lookup that fails is a temperror of the chain, never a fail.
/// </summary>
public sealed class ArcChainVerifier(ITxtResolver resolver)
{
    public async Task<ArcVerdict> VerifyAsync(MimeMessage message, CancellationToken ct)
    {
        var seals = message.Headers.Where(h => h.Id == HeaderId.ArcSeal).Select(h => TagList.ParseOrEmpty(h.Value)).ToList();
        if (seals.Count == 0) return new ArcVerdict(AuthResult.None, 0, null, "no ARC chain");
        var last = seals.Where(t => t.Has("i")).MaxBy(t => int.TryParse(t["i"], out var i) ? i : 0);
        var sealer = last?["d"]?.ToLowerInvariant();
        // MimeKit turns any key-lookup exception into a failed chain; look the keys up first (the answers are cached for
        // the verification) so a DNS failure is reported as what it is.
        var keys = message.Headers.Where(h => h.Id is HeaderId.ArcSeal or HeaderId.ArcMessageSignature)
            .Select(h => TagList.ParseOrEmpty(h.Value)).Where(t => t.Has("d") && t.Has("s"))
            .Select(t => $"{t["s"]}._domainkey.{t["d"]}").Distinct();
        foreach (var name in keys)
            if ((await resolver.LookupTxtAsync(name, ct)).Status == TxtLookupStatus.TempError)
                return new ArcVerdict(AuthResult.TempError, seals.Count, sealer, $"key lookup for {name} failed");
        var verifier = new ArcVerifier(new ResolverKeys(resolver)) { MinimumRsaKeyLength = 1024 };
        verifier.Enable(DkimSignatureAlgorithm.Ed25519Sha256);
        try
        {
            var result = await verifier.VerifyAsync(message, ct);
            return result.Chain switch
            {
                ArcSignatureValidationResult.Pass => new ArcVerdict(AuthResult.Pass, seals.Count, sealer, $"chain of {seals.Count} verified"),
                ArcSignatureValidationResult.Fail => new ArcVerdict(AuthResult.Fail, seals.Count, sealer, "chain does not verify"),
                _ => new ArcVerdict(AuthResult.None, seals.Count, sealer, "no usable ARC chain"),
            };
        }
        catch (KeyUnavailableException ex) { return new ArcVerdict(AuthResult.TempError, seals.Count, sealer, ex.Message); }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or NotSupportedException)
        {
            return new ArcVerdict(AuthResult.Fail, seals.Count, sealer, ex.Message);
        }
    }

    private sealed class KeyUnavailableException(string message) : Exception(message);

    private sealed class ResolverKeys(ITxtResolver resolver) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            LocatePublicKeyAsync(methods, domain, selector, cancellationToken).GetAwaiter().GetResult();

        public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
        {
            var lookup = await resolver.LookupTxtAsync($"{selector}._domainkey.{domain}", cancellationToken);
            if (lookup.Status == TxtLookupStatus.TempError) throw new KeyUnavailableException($"key lookup for {selector}._domainkey.{domain} failed: {lookup.Error}");
            var record = lookup.Records.FirstOrDefault(r => DkimKeyRecord.TryParse(r, out var k, out _) && !k.IsRevoked)
                         ?? throw new InvalidOperationException($"no key published at {selector}._domainkey.{domain}");
            return GetPublicKey(record);
        }
    }
}
