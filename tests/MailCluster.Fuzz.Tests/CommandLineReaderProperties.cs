using System.Buffers;
using CsCheck;
using MailCluster.Smtp.Data;
using MailCluster.Smtp.Session;

namespace MailCluster.Fuzz.Tests;

/// <summary>Command lines: however the stream is cut, the same lines come out, none longer than the limit, and memory stays bounded.</summary>
public sealed class CommandLineReaderProperties
{
    private sealed record Read(LineStatus Status, string Line, bool BareLf);

    private static (List<Read> Lines, long MaxBuffered) ReadAll(byte[] wire, IEnumerable<int> cuts)
    {
        var lineReader = new CommandLineReader();
        var lines = new List<Read>();
        var feeder = new PipeFeeder();
        Consume consume = (ref SequenceReader<byte> r) =>
        {
            // As SmtpWire does: take every complete line that is buffered before waiting for more.
            while (lineReader.TryRead(ref r, out var line) is { } status)
            {
                // The limit counts the line ending: 2 octets for CRLF, 1 for a bare LF (which the caller refuses anyway).
                var ending = lineReader.HadBareLf ? 1 : 2;
                Assert.True(status != LineStatus.Line || line.Length + ending <= SessionLimits.MaxLineOctets, $"a line of {line.Length} octets");
                // The bare-LF flag only matters for a line that is not too long (a too-long line is refused for that first).
                lines.Add(status == LineStatus.Line
                    ? new Read(status, Convert.ToHexString(line.ToArray()), lineReader.HadBareLf)
                    : new Read(status, "", false));
            }
            return false;
        };
        feeder.Feed(wire, cuts, consume);
        return (lines, feeder.MaxBuffered);
    }

    [Fact]
    public void Any_cutting_gives_the_same_lines_and_holds_at_most_one_line()
    {
        var lineish = Gen.OneOf(
            Gen.OneOf((byte)'\r', (byte)'\n', (byte)'A', (byte)' ').Array[0, 2500],
            Gen.Select(Gen.Byte.Where(b => b is not ((byte)'\r' or (byte)'\n')).Array[995, 1003], Gen.OneOf("\r\n", "\n", "\r", ""))
               .Select((l, end) => l.Concat(System.Text.Encoding.ASCII.GetBytes(end + "QUIT\r\n")).ToArray()));
        (from wire in lineish
         from cuts in Gen.Int[1, Math.Max(1, wire.Length)].Array[0, 24]
         select (wire, cuts))
        .Sample(t =>
        {
            var whole = ReadAll(t.wire, []);
            var cut = ReadAll(t.wire, t.cuts);
            Assert.Equal(whole.Lines, cut.Lines);
            var bounds = t.cuts.Where(c => c > 0 && c < t.wire.Length).Distinct().Order().Prepend(0).Append(t.wire.Length).ToArray();
            var largestPiece = bounds.Zip(bounds.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max();
            Assert.True(cut.MaxBuffered <= largestPiece + SessionLimits.MaxLineOctets + 1, $"held {cut.MaxBuffered} octets");
        }, iter: FuzzRuns.Iter(3_000), time: FuzzRuns.Time, print: t => $"{Convert.ToHexString(t.wire)} cuts {string.Join(',', t.cuts)}");
    }
}
