using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailCluster.TestSupport.Dkim;

/// <summary>DKIM keys from TXT records the test holds ("selector._domainkey.domain" to the record), for MimeKit's verifiers.</summary>
public sealed class RecordKeyLocator(IReadOnlyDictionary<string, string> records) : DkimPublicKeyLocatorBase
{
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        records.TryGetValue($"{selector}._domainkey.{domain}", out var record)
            ? GetPublicKey(record)
            : throw new InvalidOperationException($"no key record for {selector}._domainkey.{domain}");

    public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
}
