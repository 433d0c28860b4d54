using System.Buffers;
using CsCheck;
using MailCluster.Smtp.Data;
using MailCluster.Smtp.Session;

namespace MailCluster.Fuzz.Tests;

/// <summary>
/// The DATA and BDAT readers turn network reads into the stored body. Whatever the octets and however TCP cuts them,
/// they must not throw, must hold only a bounded amount, and must produce the same body for every cutting; a body
/// that round-trips through dot-stuffing (DATA) or any chunking (BDAT) comes back octet for octet.
/// </summary>
public sealed class BodyReaderProperties
{
    private const byte Cr = (byte)'\r', Lf = (byte)'\n';

    /// <summary>One line's content without its CRLF: any octet but CR and LF, often starting with dots, up to the 998-octet limit once stuffed.</summary>
    private static readonly Gen<byte[]> LineContent = Gen.OneOf(
        Gen.Byte.Where(b => b is not (Cr or Lf)).Array[0, 80],
        Gen.OneOf((byte)'.', (byte)'.', (byte)'a', (byte)' ', (byte)0, (byte)0xff).Array[0, 6],
        Gen.Byte.Where(b => b is not (Cr or Lf)).Array[990, 997]);

    private static readonly Gen<byte[]> ValidBody = LineContent.Array[0, 30]
        .Select(lines => lines.SelectMany(l => l.Concat(new[] { Cr, Lf })).ToArray());

    /// <summary>Octets biased towards what matters to a DATA reader: CR, LF, dots.</summary>
    private static readonly Gen<byte[]> HostileBytes = Gen.OneOf(
        Gen.OneOf(Cr, Lf, (byte)'.', (byte)'a', (byte)0, (byte)0x80).Array[0, 3000],
        Gen.Byte.Array[0, 3000],
        Gen.Select(ValidBody, Gen.OneOf(Cr, Lf, (byte)'.').Array[0, 8], Gen.Int[0, 100])
           .Select((body, noise, at) => Insert(body, noise, at)));

    private static byte[] Insert(byte[] body, byte[] noise, int at)
    {
        at = Math.Min(at, body.Length);
        return [.. body.AsSpan(0, at), .. noise, .. body.AsSpan(at)];
    }

    private static Gen<int[]> Cuts(int length) => Gen.Int[1, Math.Max(1, length)].Array[0, 24];

    private static byte[] DotStuff(byte[] body)
    {
        var output = new List<byte>(body.Length + 16);
        var atLineStart = true;
        foreach (var b in body)
        {
            if (atLineStart && b == (byte)'.') output.Add((byte)'.');
            output.Add(b);
            atLineStart = b == Lf;
        }
        return [.. output];
    }

    private sealed record DataRun(bool Done, DataFault Fault, byte[] Body, long BodyLength, byte[] Rest, long MaxBuffered);

    private static DataRun ReadData(byte[] wire, IEnumerable<int> cuts, long maxSize = 1 << 20)
    {
        var body = new ArrayBufferWriter<byte>();
        var reader = new DotStuffedBodyReader(body, maxSize);
        var feeder = new PipeFeeder();
        var done = feeder.Feed(wire, cuts, (ref SequenceReader<byte> r) => reader.Process(ref r));
        return new DataRun(done, reader.Fault, body.WrittenSpan.ToArray(), reader.BodyLength, feeder.Pending, feeder.MaxBuffered);
    }

    [Fact]
    public void Dot_stuffing_then_reading_gives_back_the_body_for_any_cutting()
    {
        (from body in ValidBody
         from tail in Gen.OneOf("", "QUIT\r\n", ".\r\n", "MAIL FROM:<>\r\n")
         let wire = DotStuff(body).Concat(".\r\n"u8.ToArray()).Concat(System.Text.Encoding.ASCII.GetBytes(tail)).ToArray()
         from cuts in Cuts(wire.Length)
         select (body, tail, wire, cuts))
        .Sample(t =>
        {
            var run = ReadData(t.wire, t.cuts);
            Assert.True(run.Done);
            Assert.Equal(DataFault.None, run.Fault);
            Assert.Equal(t.body, run.Body);
            Assert.Equal(t.body.Length, run.BodyLength);
            Assert.Equal(t.tail, System.Text.Encoding.ASCII.GetString(run.Rest)); // not one octet past the terminator
        }, iter: FuzzRuns.Iter(3_000), time: FuzzRuns.Time, print: t => $"{Convert.ToHexString(t.wire)} cuts {string.Join(',', t.cuts)}");
    }

    [Fact]
    public void Hostile_data_never_throws_stays_bounded_and_ends_only_at_crlf_dot_crlf_whatever_the_cutting()
    {
        (from wire in HostileBytes
         from cuts in Cuts(wire.Length)
         from maxSize in Gen.OneOf(0L, 10L, 500L, 1L << 20)
         select (wire, cuts, maxSize))
        .Sample(t =>
        {
            var whole = ReadData(t.wire, [], t.maxSize);
            var cut = ReadData(t.wire, t.cuts, t.maxSize);

            // Stored octets never exceed the limit, nor what came in.
            Assert.True(cut.Body.Length <= Math.Min(t.maxSize, t.wire.Length), $"stored {cut.Body.Length} octets");
            // Held octets: at most one line's worth beyond the piece that just arrived.
            var largestPiece = Pieces(t.wire.Length, t.cuts).Max();
            Assert.True(cut.MaxBuffered <= largestPiece + SessionLimits.MaxLineOctets + 2, $"held {cut.MaxBuffered} octets");

            // The same verdict for every cutting: accepted or not, smuggling caught or not, and the same body.
            Assert.Equal(whole.Done, cut.Done);
            Assert.Equal(whole.Fault == DataFault.None, cut.Fault == DataFault.None);
            Assert.Equal(whole.Fault == DataFault.BareLineEnding, cut.Fault == DataFault.BareLineEnding);
            if (cut.Done && cut.Fault == DataFault.None)
            {
                Assert.Equal(whole.Body, cut.Body);
                Assert.Equal(whole.Rest, cut.Rest);
                // The body ended at CRLF.CRLF (or a leading .CRLF), and the stored body has only CRLF line endings.
                var consumed = t.wire.AsSpan(0, t.wire.Length - cut.Rest.Length);
                Assert.True(consumed.SequenceEqual(".\r\n"u8) || consumed.EndsWith("\r\n.\r\n"u8), "ended somewhere other than CRLF.CRLF");
                AssertOnlyCrlf(cut.Body);
            }
        }, iter: FuzzRuns.Iter(3_000), time: FuzzRuns.Time, print: t => $"{Convert.ToHexString(t.wire)} cuts {string.Join(',', t.cuts)} max {t.maxSize}");
    }

    private sealed record ChunkRun(DataFault Fault, byte[] Body, long BodyLength, byte[] Rest, long MaxBuffered);

    /// <summary>Sends <paramref name="body"/> as BDAT chunks of the given sizes, each read off a stream cut at <paramref name="cuts"/>.</summary>
    private static ChunkRun ReadChunks(byte[] body, IReadOnlyList<int> chunkSizes, IEnumerable<int> cuts, byte[] trailer, long maxSize = 1 << 20)
    {
        var output = new ArrayBufferWriter<byte>();
        var reader = new ChunkBodyReader(output, maxSize);
        var feeder = new PipeFeeder();
        var offset = 0;
        for (var i = 0; i < chunkSizes.Count; i++)
        {
            var size = chunkSizes[i];
            var chunk = body.AsSpan(offset, size).ToArray();
            offset += size;
            reader.BeginChunk(size);
            // The next command arrives right behind the LAST chunk, maybe in the same read.
            var wire = i == chunkSizes.Count - 1 ? [.. chunk, .. trailer] : chunk;
            // A chunk already complete from buffered input, or an empty one, needs one more look.
            if (!feeder.Feed(wire, cuts, (ref SequenceReader<byte> r) => reader.Process(ref r)))
                Assert.True(feeder.Push([], (ref SequenceReader<byte> r) => reader.Process(ref r)), "chunk not complete after all its octets");
        }
        reader.Complete();
        return new ChunkRun(reader.Fault, output.WrittenSpan.ToArray(), reader.BodyLength, feeder.Pending, feeder.MaxBuffered);
    }

    private static Gen<int[]> ChunkSizes(int length) =>
        Gen.Int[0, Math.Max(0, length)].Array[0, 8].Select(points =>
        {
            var bounds = points.Append(0).Append(length).Order().ToArray();
            return bounds.Zip(bounds.Skip(1), (a, b) => b - a).ToArray();
        });

    [Fact]
    public void Any_chunking_and_any_cutting_of_a_bdat_body_gives_the_same_body_and_verdict()
    {
        (from body in Gen.OneOf(ValidBody, HostileBytes)
         from sizes in ChunkSizes(body.Length)
         from cuts in Cuts(Math.Max(1, body.Length))
         from maxSize in Gen.OneOf(10L, 1L << 20)
         select (body, sizes, cuts, maxSize))
        .Sample(t =>
        {
            var trailer = "QUIT\r\n"u8.ToArray();
            var one = ReadChunks(t.body, [t.body.Length], [], trailer, t.maxSize);
            var many = ReadChunks(t.body, t.sizes, t.cuts, trailer, t.maxSize);

            Assert.Equal(t.body.Length, many.BodyLength);
            Assert.Equal(trailer, many.Rest); // a chunk is counted, never read past
            Assert.True(many.Body.Length <= Math.Min(t.maxSize, t.body.Length) || many.Fault != DataFault.None && many.Body.Length <= t.body.Length);
            Assert.Equal(one.Fault == DataFault.None, many.Fault == DataFault.None);
            Assert.Equal(one.Fault == DataFault.BareLineEnding, many.Fault == DataFault.BareLineEnding);
            if (many.Fault == DataFault.None)
            {
                Assert.Equal(t.body, many.Body);
                AssertOnlyCrlf(many.Body);
            }
        }, iter: FuzzRuns.Iter(3_000), time: FuzzRuns.Time, print: t => $"{Convert.ToHexString(t.body)} chunks {string.Join(',', t.sizes)} cuts {string.Join(',', t.cuts)}");
    }

    private static IEnumerable<int> Pieces(int length, IEnumerable<int> cuts)
    {
        var bounds = cuts.Where(c => c > 0 && c < length).Distinct().Order().Prepend(0).Append(length).ToArray();
        return bounds.Zip(bounds.Skip(1), (a, b) => b - a).DefaultIfEmpty(0);
    }

    private static void AssertOnlyCrlf(byte[] body)
    {
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == Cr) Assert.True(i + 1 < body.Length && body[i + 1] == Lf, $"bare CR at {i}");
            if (body[i] == Lf) Assert.True(i > 0 && body[i - 1] == Cr, $"bare LF at {i}");
        }
    }
}
