using System.Runtime.InteropServices;
using MailCluster.Core.SenderAuth;
using MimeKit;

namespace MailCluster.Cluster.SenderAuth;

/// <summary>What the checks found for one message, and the message to store.</summary>
/// <param name="Message">The message as received, less any Authentication-Results that claimed our authserv-id.</param>
/// <param name="Header">Our Authentication-Results field, to go on top.</param>
public sealed record InboundAuthOutcome(ReadOnlyMemory<byte> Message, byte[] Header, IReadOnlyList<DkimVerdict> Dkim, int ForgedRemoved);

/// <summary>
/// The MX-side checks on mail from clients that are not ours, shared by every session of a node (thread-safe; the DNS
/// answers are cached across sessions). Runs on the session's task before the store.
/// </summary>
public sealed class InboundAuthentication(SenderAuthSettings settings, ITxtResolver resolver)
{
    private readonly DkimMessageVerifier _dkim = new(resolver, settings.MaxSignatures);

    public SenderAuthSettings Settings => settings;

    public async Task<InboundAuthOutcome> CheckAsync(ReadOnlyMemory<byte> received, CancellationToken ct)
    {
        var message = ForgedResultsFilter.Strip(received, settings.AuthservId, out var removed);
        IReadOnlyList<DkimVerdict> dkim = [];
        if (settings.VerifyDkim && HasSignature(message.Span))
        {
            try { dkim = await _dkim.VerifyAsync(await MimeMessage.LoadAsync(Stream(message), ct), ct); }
            catch (FormatException) { dkim = [new DkimVerdict(AuthResult.PermError, "message cannot be parsed", null, null, null, null)]; }
        }
        return new InboundAuthOutcome(message, AuthenticationResultsHeader.Build(settings.AuthservId, dkim), dkim, removed);
    }

    /// <summary>Most mail from outside is signed, but parsing a message only to find no signature is wasted work.</summary>
    private static bool HasSignature(ReadOnlySpan<byte> message)
    {
        var headerEnd = message.IndexOf("\r\n\r\n"u8);
        var header = headerEnd < 0 ? message : message[..headerEnd];
        return System.Text.Encoding.Latin1.GetString(header).Contains("dkim-signature", StringComparison.OrdinalIgnoreCase);
    }

    private static MemoryStream Stream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
}
