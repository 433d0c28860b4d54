using System.Security.Cryptography.X509Certificates;
using MailCluster.Cluster.Hosting;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace MailCluster.Protocol.Tests;

/// <summary>An ACME-style renewal of the certificate file is used by new sessions without a restart.</summary>
public sealed class CertificateReloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mailcluster-cert-").FullName;

    private string CertificatePath => Path.Combine(_dir, "mx.p12");

    /// <summary>As certbot and acme.sh do: write a new file beside it, then rename it over the old one.</summary>
    private void Renew(byte[] pkcs12)
    {
        var next = Path.Combine(_dir, "mx.p12.new");
        File.WriteAllBytes(next, pkcs12);
        File.Move(next, CertificatePath, overwrite: true);
    }

    private static async Task<string> ServerThumbprintAsync(TestNode node)
    {
        string? seen = null;
        using var client = new SmtpClient
        {
            ServerCertificateValidationCallback = (_, certificate, _, _) =>
            {
                seen = new X509Certificate2(certificate!).Thumbprint;
                return true;
            },
        };
        await client.ConnectAsync(node.Endpoint.Address.ToString(), node.Endpoint.Port, SecureSocketOptions.StartTls);
        await client.DisconnectAsync(true);
        return seen ?? throw new InvalidOperationException("no certificate seen");
    }

    [Fact]
    public async Task A_renewed_file_is_used_by_new_sessions_and_a_broken_one_keeps_the_current_certificate()
    {
        var first = DevelopmentCertificate.Create("first.test");
        File.WriteAllBytes(CertificatePath, first);
        await using var node = await TestNode.StartAsync($"mailcluster.smtp.tls.certificate-path = \"{CertificatePath}\"");
        var before = await ServerThumbprintAsync(node);
        Assert.Equal(X509CertificateLoader.LoadPkcs12(first, null).Thumbprint, before);

        var renewed = DevelopmentCertificate.Create("renewed.test");
        Renew(renewed);
        var expected = X509CertificateLoader.LoadPkcs12(renewed, null).Thumbprint;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var now = before;
        while (now != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            now = await ServerThumbprintAsync(node);
        }
        Assert.Equal(expected, now); // picked up by the file watch, no SIGHUP, no restart

        Renew("not a certificate"u8.ToArray()); // a half-written or wrong file
        await Task.Delay(1500);
        Assert.False(node.Host.ReloadCertificate()); // SIGHUP's path: refused, nothing changes
        Assert.Equal(expected, await ServerThumbprintAsync(node));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
