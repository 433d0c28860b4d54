using System.Text;
using MailCluster.Core.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace MailCluster.TestSupport.Dkim;

/// <summary>Plays a forwarder (a mailing list) that ARC-seals what it passes on, with MimeKit's ArcSigner.</summary>
public static class ArcSealing
{
    private sealed class Forwarder(DkimSigningKey key) : ArcSigner(key.PrivateKey, key.Domain, key.Selector, DkimSignatureAlgorithm.RsaSha256)
    {
        protected override AuthenticationResults GenerateArcAuthenticationResults(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            new(Domain) { Results = { new AuthenticationMethodResult("dkim", "pass") } };

        protected override Task<AuthenticationResults> GenerateArcAuthenticationResultsAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            Task.FromResult(GenerateArcAuthenticationResults(options, message, cancellationToken));
    }

    /// <summary>The message with an ARC set (AAR, AMS, AS) of <paramref name="key"/> on top; CRLF throughout.</summary>
    public static byte[] Seal(byte[] message, DkimSigningKey key)
    {
        var parsed = MimeMessage.Load(new MemoryStream(message));
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        new Forwarder(key) { HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed, BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed }
            .Sign(format, parsed, ["From", "To", "Subject", "Message-ID"]);
        using var bytes = new MemoryStream();
        parsed.WriteTo(format, bytes);
        // MimeKit folds the fields it generates with bare LF; over SMTP every line ends in CRLF.
        return Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(bytes.ToArray()).Replace("\r\n", "\n").Replace("\n", "\r\n"));
    }
}
