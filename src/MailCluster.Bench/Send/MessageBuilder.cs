using System.Globalization;
using System.Text;

namespace MailCluster.Bench.Send;

/// <summary>
/// Builds the DATA payload of one test message: an RFC 5322 message of about SizeBytes (counted before
/// dot-stuffing), CRLF line endings, body lines of at most 76 printable ASCII chars, dot-stuffed and
/// ending with the "." terminator line.
/// </summary>
public sealed class MessageBuilder(string from, IReadOnlyList<string> to, int sizeBytes, string domain)
{
    private const int MaxBodyLine = 76;
    private const int PrintableCount = '~' - '!' + 1;

    public byte[] Build(long index)
    {
        var wire = new StringBuilder(sizeBytes + sizeBytes / 64 + 256);
        var messageBytes = 0;

        void AppendLine(string line)
        {
            messageBytes += line.Length + 2;
            // Transparency (RFC 5321 4.5.2): a leading dot is doubled so it is not read as the terminator.
            if (line.StartsWith('.')) wire.Append('.');
            wire.Append(line).Append("\r\n");
        }

        AppendLine($"From: <{from}>");
        AppendLine("To: " + string.Join(",\r\n ", to.Select(a => $"<{a}>"))); // folded, so many recipients stay short
        AppendLine($"Subject: mailcluster-bench message {index}");
        AppendLine("Date: " + DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture));
        AppendLine($"Message-ID: <{Guid.NewGuid():N}.{index}@{domain}>");
        AppendLine("MIME-Version: 1.0");
        AppendLine("Content-Type: text/plain; charset=us-ascii");
        AppendLine("");

        // Always at least one body line; then fill until the target size is reached.
        var lineNo = 0;
        do
        {
            var length = Math.Clamp(sizeBytes - messageBytes - 2, 1, MaxBodyLine);
            AppendLine(BodyLine(lineNo++, length));
        } while (messageBytes < sizeBytes);

        wire.Append(".\r\n");
        return Encoding.ASCII.GetBytes(wire.ToString());
    }

    /// <summary>
    /// Cycles through '!'..'~' with a per-line shift, so line 1 (and every 94th after) starts with '.'
    /// and each message exercises dot-stuffing on the server.
    /// </summary>
    private static string BodyLine(int lineNo, int length) =>
        string.Create(length, lineNo, static (span, n) =>
        {
            for (var col = 0; col < span.Length; col++)
                span[col] = (char)('!' + (n * 13 + col) % PrintableCount);
        });
}
