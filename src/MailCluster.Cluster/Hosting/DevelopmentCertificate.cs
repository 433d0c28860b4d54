using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// Finds the STARTTLS certificate: the configured PKCS#12 file, or a self-signed development certificate that is
/// generated under data-dir on first start and reused afterwards.
/// </summary>
public static class DevelopmentCertificate
{
    public static X509Certificate2? Resolve(NodeSettings settings)
    {
        if (settings.Tls.CertificatePath.Length > 0)
            return X509CertificateLoader.LoadPkcs12FromFile(settings.Tls.CertificatePath, settings.Tls.CertificatePassword);
        if (!settings.Tls.GenerateDevelopmentCertificate) return null;

        var path = Path.Combine(settings.DataDir, "tls", "development.pfx");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, Create(settings.HostName));
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, null);
    }

    /// <summary>A self-signed ECDSA P-256 certificate for the host name and localhost, exported as PKCS#12.</summary>
    public static byte[] Create(string hostName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostName);
        if (!string.Equals(hostName, "localhost", StringComparison.OrdinalIgnoreCase)) names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        return certificate.Export(X509ContentType.Pkcs12);
    }
}
