using Org.BouncyCastle.Crypto;

namespace MailCluster.Core.Dkim;

/// <summary>One selector's private key for one signing domain (d=), loaded from <paramref name="Path"/>.</summary>
public sealed record DkimSigningKey(string Domain, string Selector, DkimAlgorithm Algorithm, AsymmetricKeyParameter PrivateKey, string Path)
{
    public override string ToString() => $"{Selector}._domainkey.{Domain} ({Algorithm.Name()}, {Path})";
}
