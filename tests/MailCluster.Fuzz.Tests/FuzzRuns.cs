using System.Buffers;

namespace MailCluster.Fuzz.Tests;

/// <summary>
/// How long a property runs. CI takes the small per-test default (seconds for the whole project); a long run sets
/// CsCheck_Iter or CsCheck_Time (CsCheck reads them into Check.Iter / Check.Time), which then win over the default:
/// <c>CsCheck_Time=600 dotnet test tests/MailCluster.Fuzz.Tests</c>.
/// </summary>
internal static class FuzzRuns
{
    private static bool Set(string name) => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name));

    /// <summary>Iterations for this property: the CI default unless the environment asks for a long run.</summary>
    public static long Iter(long ciDefault) => Set("CsCheck_Iter") ? CsCheck.Check.Iter : Set("CsCheck_Time") ? -1 : ciDefault;

    /// <summary>Seconds for this property: only when CsCheck_Time is set.</summary>
    public static int Time => Set("CsCheck_Time") ? CsCheck.Check.Time : -1;
}

/// <summary>
/// Feeds a byte stream to a consumer the way SmtpWire's PipeReader does: what the consumer leaves unconsumed is
/// presented again together with the next piece that arrived. Records the most it ever had to hold.
/// </summary>
internal delegate bool Consume(ref SequenceReader<byte> reader);

internal sealed class PipeFeeder
{
    private byte[] _pending = [];

    public long MaxBuffered { get; private set; }
    public byte[] Pending => _pending;

    /// <summary>Presents buffered + <paramref name="piece"/> once; returns the consumer's answer.</summary>
    public bool Push(ReadOnlySpan<byte> piece, Consume consume)
    {
        var buffer = new byte[_pending.Length + piece.Length];
        _pending.CopyTo(buffer, 0);
        piece.CopyTo(buffer.AsSpan(_pending.Length));
        MaxBuffered = Math.Max(MaxBuffered, buffer.Length);
        // Two segments where possible, so consumers see sequences that span segment boundaries too.
        var sequence = Segments.Of(buffer, _pending.Length);
        var reader = new SequenceReader<byte>(sequence);
        var done = consume(ref reader);
        _pending = sequence.Slice(reader.Position).ToArray();
        return done;
    }

    /// <summary>Feeds <paramref name="data"/> cut at <paramref name="cuts"/> until the consumer is done; the rest stays pending.</summary>
    public bool Feed(byte[] data, IEnumerable<int> cuts, Consume consume)
    {
        var start = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < data.Length).Distinct().Order().Append(data.Length))
        {
            var piece = data.AsSpan(start, cut - start);
            start = cut;
            if (Push(piece, consume))
            {
                _pending = [.. _pending, .. data.AsSpan(start)];
                return true;
            }
        }
        return false;
    }
}

internal sealed class Segment : ReadOnlySequenceSegment<byte>
{
    public Segment(ReadOnlyMemory<byte> memory, long runningIndex) { Memory = memory; RunningIndex = runningIndex; }
    public Segment Append(ReadOnlyMemory<byte> memory) { var next = new Segment(memory, RunningIndex + Memory.Length); Next = next; return next; }
}

internal static class Segments
{
    /// <summary>A sequence of <paramref name="buffer"/> split into two segments at <paramref name="split"/> (when both are non-empty).</summary>
    public static ReadOnlySequence<byte> Of(byte[] buffer, int split)
    {
        if (split <= 0 || split >= buffer.Length) return new ReadOnlySequence<byte>(buffer);
        var first = new Segment(buffer.AsMemory(0, split), 0);
        var last = first.Append(buffer.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
