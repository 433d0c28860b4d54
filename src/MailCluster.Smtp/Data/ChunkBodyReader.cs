using System.Buffers;
using MailCluster.Smtp.Session;

namespace MailCluster.Smtp.Data;

/// <summary>
/// Accumulates the BDAT chunks of one message (RFC 3030). Chunks are counted, not terminated, so they cannot
/// be smuggled here; bare CR/LF are still refused because the message may later be relayed with DATA.
/// Line-ending state carries across chunk boundaries.
/// </summary>
public sealed class ChunkBodyReader(IBufferWriter<byte> body, long maxSize)
{
    private const byte Cr = (byte)'\r', Lf = (byte)'\n';
    private bool _previousWasCr;
    private long _lineLength;
    private long _chunkRemaining;

    public DataFault Fault { get; private set; }
    public long BodyLength { get; private set; }

    public void BeginChunk(long size) => _chunkRemaining = size;

    /// <summary>Consumes up to the rest of the current chunk. Returns true when the chunk is complete.</summary>
    public bool Process(ref SequenceReader<byte> reader)
    {
        while (_chunkRemaining > 0 && !reader.End)
        {
            var span = reader.UnreadSpan;
            var take = (int)Math.Min(span.Length, _chunkRemaining);
            Inspect(span[..take]);
            BodyLength += take;
            if (BodyLength > maxSize && Fault == DataFault.None) Fault = DataFault.TooBig;
            if (Fault == DataFault.None) body.Write(span[..take]);
            reader.Advance(take);
            _chunkRemaining -= take;
        }
        return _chunkRemaining == 0;
    }

    /// <summary>Called after the LAST chunk: a message must not end inside a CRLF pair.</summary>
    public void Complete()
    {
        if (_previousWasCr) SetFault(DataFault.BareLineEnding);
    }

    private void Inspect(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (_previousWasCr && b != Lf) SetFault(DataFault.BareLineEnding);
            if (b == Lf && !_previousWasCr) SetFault(DataFault.BareLineEnding);
            _previousWasCr = b == Cr;
            _lineLength = b == Lf ? 0 : _lineLength + 1;
            if (_lineLength + 1 > SessionLimits.MaxLineOctets) SetFault(DataFault.LineTooLong);
        }
    }

    private void SetFault(DataFault fault)
    {
        // A bare line ending outranks every other fault: it is the one that must never be stored.
        if (Fault == DataFault.None || fault == DataFault.BareLineEnding) Fault = fault;
    }
}
