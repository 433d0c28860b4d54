using System.Buffers;
using MailCluster.Smtp.Session;

namespace MailCluster.Smtp.Data;

/// <summary>
/// Splits command lines strictly at CRLF. A line longer than the limit is discarded up to its CRLF and reported
/// once as too long, without ever buffering more than the limit. A bare LF ends a line too (so a broken client
/// gets an answer) but the line is refused as a syntax error by the caller via <see cref="HadBareLf"/>.
/// </summary>
public sealed class CommandLineReader
{
    private bool _discarding;

    public bool HadBareLf { get; private set; }

    /// <summary>Tries to take one line (without its line ending) from the reader.</summary>
    /// <returns>Line when a complete line was read, TooLong when an over-long line was skipped, null if more input is needed.</returns>
    public LineStatus? TryRead(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line)
    {
        line = default;
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> raw, (byte)'\n', advancePastDelimiter: true))
            {
                if (reader.Remaining > SessionLimits.MaxLineOctets)
                {
                    // Keep the last octet: it may be the CR of the CRLF.
                    reader.Advance(reader.Remaining - 1);
                    _discarding = true;
                }
                return null;
            }
            if (_discarding)
            {
                _discarding = false;
                HadBareLf = false;
                return LineStatus.TooLong;
            }
            HadBareLf = raw.IsEmpty || raw.Slice(raw.Length - 1).FirstSpan[0] != (byte)'\r';
            line = HadBareLf ? raw : raw.Slice(0, raw.Length - 1);
            return raw.Length + 1 > SessionLimits.MaxLineOctets ? LineStatus.TooLong : LineStatus.Line;
        }
    }
}
