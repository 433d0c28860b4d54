using System.Buffers;
using System.Text;

namespace MailCluster.Smtp.Tests;

internal delegate bool Consume(ref SequenceReader<byte> reader);

internal sealed class Segment : ReadOnlySequenceSegment<byte>
{
    public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public Segment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new Segment(memory, RunningIndex + Memory.Length);
        Next = next;
        return next;
    }
}

internal static class Bytes
{
    public static byte[] Of(string s) => Encoding.UTF8.GetBytes(s);

    public static string Text(ReadOnlySpan<byte> b) => Encoding.UTF8.GetString(b);

    /// <summary>A multi-segment sequence, one segment per part (empty parts are skipped).</summary>
    public static ReadOnlySequence<byte> Sequence(IEnumerable<byte[]> parts)
    {
        Segment? first = null, last = null;
        foreach (var part in parts.Where(p => p.Length > 0))
        {
            if (first is null) first = last = new Segment(part, 0);
            else last = last!.Append(part);
        }
        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>"whole", "bytes" (one octet per read) or "random:SEED" (pieces of 1..17 octets).</summary>
    public static IEnumerable<byte[]> Split(byte[] data, string how)
    {
        if (how == "whole") return [data];
        if (how == "bytes") return data.Select(b => new[] { b });
        if (how.StartsWith("random:"))
        {
            var rng = new Random(int.Parse(how["random:".Length..]));
            var pieces = new List<byte[]>();
            for (var i = 0; i < data.Length;)
            {
                var n = Math.Min(rng.Next(1, 18), data.Length - i);
                pieces.Add(data[i..(i + n)]);
                i += n;
            }
            return pieces;
        }
        throw new ArgumentException(how);
    }

    public static IEnumerable<byte[]> Pieces(byte[] data, int size) => data.Chunk(size);

    public static readonly string[] Splits = ["whole", "bytes", "random:1", "random:2", "random:3", "random:42"];
    public static TheoryData<string> SplitData => new(Splits);
}

/// <summary>
/// Behaves like a PipeReader as SmtpWire uses it: what the consumer leaves unconsumed is presented again,
/// followed by the next piece that arrived (each piece its own segment).
/// </summary>
internal sealed class PipeFeeder
{
    private List<byte[]> _pending = [];

    public long MaxBuffered { get; private set; }
    public byte[] Pending => _pending.SelectMany(p => p).ToArray();

    /// <summary>Adds a piece and lets the consumer look at everything buffered once.</summary>
    public bool Push(byte[] piece, Consume consume)
    {
        if (piece.Length > 0) _pending.Add(piece);
        var buffer = Bytes.Sequence(_pending);
        MaxBuffered = Math.Max(MaxBuffered, buffer.Length);
        var reader = new SequenceReader<byte>(buffer);
        var done = consume(ref reader);
        var rest = buffer.Slice(reader.Position);
        var kept = new List<byte[]>();
        foreach (var segment in rest)
            if (!segment.IsEmpty) kept.Add(segment.ToArray());
        _pending = kept;
        return done;
    }

    /// <summary>Adds bytes without consuming (what arrived after the consumer finished).</summary>
    public void Append(byte[] piece)
    {
        if (piece.Length > 0) _pending.Add(piece);
    }

    /// <summary>Pushes pieces until the consumer reports done; the remaining pieces are only buffered.</summary>
    public bool FeedUntilDone(IEnumerable<byte[]> pieces, Consume consume)
    {
        var done = false;
        foreach (var piece in pieces)
        {
            if (done) Append(piece);
            else done = Push(piece, consume);
        }
        return done;
    }
}
