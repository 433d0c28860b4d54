using System.Text;
using MimeKit;
using MimeKit.Cryptography;

namespace MailCluster.Core.Dkim;

/// <summary>
/// Signs mail we relay for our own users (authenticated, or from mynetworks) with the keys of its From: domain. Only
/// the DKIM-Signature: fields are produced: the message itself is never rewritten, so what is stored, and sent by
/// every delivery attempt from every node, is the body byte for byte as received with the signatures on top.
/// Thread-safe: one instance serves every session of a node.
/// </summary>
public sealed class DkimMessageSigner(DkimSigningSettings settings, Func<DateTimeOffset>? clock = null)
{
    private static readonly ParserOptions Parsing = new() { AllowAddressesWithoutDomain = false };
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);

    public DkimSigningSettings Settings => settings;

    /// <param name="trustedClient">The client authenticated or is in mynetworks: only such mail is ours to vouch for.</param>
    /// <param name="message">The message as received (headers and body, CRLF line endings).</param>
    public DkimSigningOutcome Sign(bool trustedClient, ReadOnlyMemory<byte> message)
    {
        if (!settings.Enabled) return DkimSigningOutcome.Skipped(DkimSigningOutcome.NoKey);
        if (!trustedClient) return DkimSigningOutcome.Skipped(DkimSigningOutcome.UntrustedClient);

        MimeMessage parsed;
        try { parsed = MimeMessage.Load(Parsing, MailCluster.Core.Messages.MessageBytes.ReadOnlyStream(message)); }
        catch (FormatException) { return DkimSigningOutcome.Skipped(DkimSigningOutcome.NoAuthorDomain); }
        var domain = Messages.AuthorDomain.Of(parsed);
        if (domain is null) return DkimSigningOutcome.Skipped(DkimSigningOutcome.NoAuthorDomain);
        var keys = settings.KeysFor(domain);
        if (keys.Count == 0) return DkimSigningOutcome.Skipped(DkimSigningOutcome.NoKey, domain);

        var headerList = settings.HeaderListFor(parsed.Headers);
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        var signedAt = _clock();
        var fields = new List<string>();
        foreach (var key in keys)
        {
            var signer = new TimedDkimSigner(key, signedAt)
            {
                HeaderCanonicalizationAlgorithm = settings.HeaderCanonicalization,
                BodyCanonicalizationAlgorithm = settings.BodyCanonicalization,
                SignaturesExpireAfter = settings.SignatureLifetime > TimeSpan.Zero ? settings.SignatureLifetime : null,
            };
            signer.Sign(format, parsed, headerList);
            fields.Add(Serialize(parsed.Headers[0]));
        }
        // Top first in configured order. No signature covers another (DKIM-Signature is never in h=), so the order is
        // only what a reader sees.
        return new DkimSigningOutcome(DkimSigningOutcome.Signed, keys[0].Domain, keys.Select(k => k.Selector).ToList(),
            Encoding.ASCII.GetBytes(string.Concat(fields)));
    }

    /// <summary>
    /// MimeKit folds the value it generates with bare LF whatever the format options say; the stored message must have
    /// CRLF everywhere (a bare LF would be refused by strict receivers, ours included).
    /// </summary>
    private static string Serialize(Header header)
    {
        var value = Encoding.ASCII.GetString(header.RawValue).Replace("\r\n", "\n").Replace("\n", "\r\n");
        if (!value.EndsWith("\r\n", StringComparison.Ordinal)) value += "\r\n";
        return header.Field + ":" + value;
    }


    /// <summary>All signatures of one message carry the same t=, and tests can fix it; RSA signs natively.</summary>
    private sealed class TimedDkimSigner(DkimSigningKey key, DateTimeOffset signedAt)
        : DkimSigner(key.PrivateKey, key.Domain, key.Selector, key.Algorithm.ToMimeKit())
    {
        protected override long GetTimestamp() => signedAt.ToUnixTimeSeconds();

        protected override Org.BouncyCastle.Crypto.ISigner CreateSigningContext() =>
            key.PlatformRsa is { } rsa ? new NativeRsaSha256Signer(rsa) : base.CreateSigningContext();
    }
}
