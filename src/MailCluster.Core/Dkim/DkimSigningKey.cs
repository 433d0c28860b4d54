using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace MailCluster.Core.Dkim;

/// <summary>One selector's private key for one signing domain (d=), loaded from <paramref name="Path"/>.</summary>
public sealed record DkimSigningKey(string Domain, string Selector, DkimAlgorithm Algorithm, AsymmetricKeyParameter PrivateKey, string Path)
{
    /// <summary>The same RSA key in the platform's implementation, made once (signing with it is thread-safe).</summary>
    internal System.Security.Cryptography.RSA? PlatformRsa { get; } =
        Algorithm == DkimAlgorithm.RsaSha256 && PrivateKey is RsaPrivateCrtKeyParameters crt ? NativeRsaSha256Signer.ToPlatformKey(crt) : null;

    public override string ToString() => $"{Selector}._domainkey.{Domain} ({Algorithm.Name()}, {Path})";
}
