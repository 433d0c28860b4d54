using System.Buffers;
using MailCluster.Smtp.Session;

namespace MailCluster.Smtp.Data;

/// <summary>
/// Reads a DATA body: undoes dot-stuffing and stops at CRLF.CRLF, the only terminator there is.
/// A bare LF or bare CR aborts at once (<see cref="DataFault.BareLineEnding"/>), so no variant such as
/// LF.LF or CR.CR or LF.CRLF can end the body early and smuggle a second message.
/// Too-long lines and oversize bodies are read to the end and then refused, so the session stays in step.
/// </summary>
public sealed class DotStuffedBodyReader(IBufferWriter<byte> body, long maxSize)
{
    private const byte Cr = (byte)'\r', Lf = (byte)'\n', Dot = (byte)'.';
    private bool _atLineStart = true;
    private long _lineLength;

    public DataFault Fault { get; private set; }
    /// <summary>Octets of the body after un-stuffing, counted even when no longer stored.</summary>
    public long BodyLength { get; private set; }

    /// <summary>Consumes what it can. Returns true when the body is complete or aborted by a bare line ending.</summary>
    public bool Process(ref SequenceReader<byte> reader)
    {
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, Lf, advancePastDelimiter: true))
            {
                ConsumePartialLine(ref reader);
                return Fault == DataFault.BareLineEnding;
            }
            if (ProcessLine(line)) return true;
        }
    }

    /// <returns>true if the line ended the body or aborted it.</returns>
    private bool ProcessLine(ReadOnlySequence<byte> line)
    {
        // line holds everything before the LF; a proper line ends in CR.
        if (line.IsEmpty || LastByte(line) != Cr || ContainsCr(line.Slice(0, line.Length - 1)))
        {
            Fault = DataFault.BareLineEnding;
            return true;
        }
        var totalLength = _lineLength + line.Length + 1;
        if (_atLineStart && line.Length == 2 && line.FirstSpan[0] == Dot) return true;

        var content = _atLineStart && line.FirstSpan[0] == Dot ? line.Slice(1) : line;
        if (totalLength > SessionLimits.MaxLineOctets) SetFault(DataFault.LineTooLong);
        Append(content);
        Append(LfOnly);
        _atLineStart = true;
        _lineLength = 0;
        return false;
    }

    /// <summary>
    /// No LF in sight. Short fragments wait for more input; a long one is already a line-length fault, so
    /// everything but its last octet (which may be the CR of a CRLF) is consumed to keep memory bounded.
    /// </summary>
    private void ConsumePartialLine(ref SequenceReader<byte> reader)
    {
        if (reader.Remaining < 2 || _lineLength + reader.Remaining <= SessionLimits.MaxLineOctets) return;
        var take = reader.Remaining - 1;
        var fragment = reader.UnreadSequence.Slice(0, take);
        if (ContainsCr(fragment)) { Fault = DataFault.BareLineEnding; return; }
        SetFault(DataFault.LineTooLong);
        if (_atLineStart && fragment.FirstSpan[0] == Dot) fragment = fragment.Slice(1);
        Append(fragment);
        _lineLength += take;
        _atLineStart = false;
        reader.Advance(take);
    }

    private static readonly byte[] LfOnly = [Lf];

    private void Append(ReadOnlySequence<byte> bytes)
    {
        BodyLength += bytes.Length;
        if (BodyLength > maxSize) SetFault(DataFault.TooBig);
        if (Fault != DataFault.None) return;
        foreach (var segment in bytes) body.Write(segment.Span);
    }

    private void Append(byte[] bytes) => Append(new ReadOnlySequence<byte>(bytes));

    private void SetFault(DataFault fault)
    {
        if (Fault == DataFault.None) Fault = fault;
    }

    private static byte LastByte(ReadOnlySequence<byte> s) => s.Slice(s.Length - 1).FirstSpan[0];

    private static bool ContainsCr(ReadOnlySequence<byte> s)
    {
        foreach (var segment in s)
            if (segment.Span.IndexOf(Cr) >= 0) return true;
        return false;
    }
}
