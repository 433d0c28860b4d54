using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace MailCluster.Core.Dkim;

/// <summary>A key file could not be used; the message says why (the caller adds the HOCON path).</summary>
public sealed class DkimKeyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// DKIM private keys as PEM files (PKCS#8 "PRIVATE KEY", or the older "RSA PRIVATE KEY" that openssl and opendkim-genkey
/// write), and the TXT record (RFC 6376 3.6.1, RFC 8463 4) that publishes the matching public key.
/// </summary>
public static class DkimKeyFile
{
    public static AsymmetricKeyParameter Load(string path, DkimAlgorithm algorithm)
    {
        string pem;
        try { pem = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DkimKeyException($"cannot read the key file '{path}': {ex.Message}", ex);
        }
        object? read;
        try { read = new PemReader(new StringReader(pem)).ReadObject(); }
        catch (Exception ex) { throw new DkimKeyException($"'{path}' is not a PEM private key: {ex.Message}", ex); }
        var key = read switch
        {
            AsymmetricCipherKeyPair pair => pair.Private,
            AsymmetricKeyParameter { IsPrivate: true } k => k,
            _ => throw new DkimKeyException($"'{path}' holds no private key (PEM \"PRIVATE KEY\" or \"RSA PRIVATE KEY\" expected)"),
        };
        switch (algorithm, key)
        {
            case (DkimAlgorithm.RsaSha256, RsaKeyParameters rsa):
                // RFC 8301: verifiers must reject keys under 1024 bits, and 2048 is what providers expect.
                if (rsa.Modulus.BitLength < 1024)
                    throw new DkimKeyException($"'{path}' is a {rsa.Modulus.BitLength}-bit RSA key; DKIM needs at least 1024 bits (2048 recommended)");
                return key;
            case (DkimAlgorithm.Ed25519Sha256, Ed25519PrivateKeyParameters):
                return key;
            default:
                throw new DkimKeyException($"'{path}' is not an {algorithm.KeyType()} key (it is {Describe(key)})");
        }
    }

    /// <summary>A new key pair as a PKCS#8 PEM: RSA 2048 or Ed25519.</summary>
    public static (string PrivateKeyPem, AsymmetricKeyParameter PublicKey) Generate(DkimAlgorithm algorithm)
    {
        AsymmetricCipherKeyPair pair;
        if (algorithm == DkimAlgorithm.RsaSha256)
        {
            var generator = new RsaKeyPairGenerator();
            generator.Init(new KeyGenerationParameters(new SecureRandom(), 2048));
            pair = generator.GenerateKeyPair();
        }
        else
        {
            var generator = new Ed25519KeyPairGenerator();
            generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
            pair = generator.GenerateKeyPair();
        }
        var text = new StringWriter();
        var writer = new PemWriter(text);
        writer.WriteObject(new Pkcs8Generator(pair.Private));
        writer.Writer.Flush();
        return (text.ToString(), pair.Public);
    }

    /// <summary>The public half of a private key.</summary>
    public static AsymmetricKeyParameter PublicKeyOf(AsymmetricKeyParameter privateKey) => privateKey switch
    {
        RsaPrivateCrtKeyParameters rsa => new RsaKeyParameters(false, rsa.Modulus, rsa.PublicExponent),
        Ed25519PrivateKeyParameters ed => ed.GeneratePublicKey(),
        _ => throw new DkimKeyException($"cannot derive the public key of {Describe(privateKey)}"),
    };

    /// <summary>The p= value: RSA as DER SubjectPublicKeyInfo (RFC 6376), Ed25519 as the bare 32 octets (RFC 8463).</summary>
    public static string PublicKeyTag(AsymmetricKeyParameter publicKey) => publicKey switch
    {
        Ed25519PublicKeyParameters ed => Convert.ToBase64String(ed.GetEncoded()),
        RsaKeyParameters => Convert.ToBase64String(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey).GetDerEncoded()),
        _ => throw new DkimKeyException($"no DKIM key type for {Describe(publicKey)}"),
    };

    /// <summary>The record to publish at selector._domainkey.domain.</summary>
    public static string DnsRecord(DkimAlgorithm algorithm, AsymmetricKeyParameter publicKey) =>
        $"v=DKIM1; k={algorithm.KeyType()}; p={PublicKeyTag(publicKey)}";

    private static string Describe(AsymmetricKeyParameter key) => key switch
    {
        RsaKeyParameters => "an RSA key",
        Ed25519PrivateKeyParameters or Ed25519PublicKeyParameters => "an Ed25519 key",
        ECKeyParameters => "an EC key",
        _ => key.GetType().Name,
    };
}
