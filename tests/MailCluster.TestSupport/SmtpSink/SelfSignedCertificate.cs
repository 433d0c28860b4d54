using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailCluster.TestSupport;

/// <summary>One self-signed ECDSA certificate for "sink.test", made once per process.</summary>
public static class SelfSignedCertificate
{
    private static readonly Lazy<X509Certificate2> Shared = new(() => Create("sink.test"));

    public static X509Certificate2 SinkTest => Shared.Value;

    public static X509Certificate2 Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
