using System.Buffers;
using MailCluster.Smtp.Data;

namespace MailCluster.Smtp.Tests;

public class CommandLineReaderTests
{
    private sealed record Read(LineStatus Status, string Line, bool BareLf);

    /// <summary>Feeds pieces like SmtpWire: after each line, looks again at what is buffered before waiting for more.</summary>
    private static (List<Read> Lines, PipeFeeder Feeder) ReadAll(IEnumerable<byte[]> pieces)
    {
        var lineReader = new CommandLineReader();
        var feeder = new PipeFeeder();
        var lines = new List<Read>();
        Consume consume = (ref SequenceReader<byte> r) =>
        {
            var status = lineReader.TryRead(ref r, out var line);
            if (status is { } s) lines.Add(new Read(s, s == LineStatus.Line ? Bytes.Text(line.ToArray()) : "", lineReader.HadBareLf));
            return status is not null;
        };
        foreach (var piece in pieces)
            for (var next = piece; feeder.Push(next, consume); next = []) { }
        return (lines, feeder);
    }

    private static List<Read> ReadAll(string wire, string split) => ReadAll(Bytes.Split(Bytes.Of(wire), split)).Lines;

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Crlf_lines(string split)
    {
        var lines = ReadAll("EHLO c.example\r\nMAIL FROM:<>\r\n\r\nQUIT\r\n", split);
        Assert.Equal([
            new Read(LineStatus.Line, "EHLO c.example", false),
            new Read(LineStatus.Line, "MAIL FROM:<>", false),
            new Read(LineStatus.Line, "", false),
            new Read(LineStatus.Line, "QUIT", false)], lines);
    }

    [Fact]
    public void Incomplete_line_waits_without_consuming()
    {
        var reader = new CommandLineReader();
        var input = new SequenceReader<byte>(new ReadOnlySequence<byte>(Bytes.Of("NOOP\r")));
        Assert.Null(reader.TryRead(ref input, out _));
        Assert.Equal(0, input.Consumed);
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Bare_lf_ends_a_line_and_is_flagged(string split)
    {
        var lines = ReadAll("NOOP\nRSET\r\n\nQUIT\r\n", split);
        Assert.Equal([
            new Read(LineStatus.Line, "NOOP", true),
            new Read(LineStatus.Line, "RSET", false),
            new Read(LineStatus.Line, "", true),
            new Read(LineStatus.Line, "QUIT", false)], lines);
    }

    [Fact]
    public void Cr_inside_a_line_is_kept_for_the_parser()
    {
        var lines = ReadAll("NO\rOP\r\n", "whole");
        Assert.Equal([new Read(LineStatus.Line, "NO\rOP", false)], lines);
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Limit_is_1000_octets_including_crlf(string split)
    {
        var ok = "NOOP " + new string('x', 993);
        var lines = ReadAll(ok + "\r\n" + ok + "y\r\nQUIT\r\n", split);
        Assert.Equal(1000, ok.Length + 2);
        Assert.Equal([LineStatus.Line, LineStatus.TooLong, LineStatus.Line], lines.Select(l => l.Status));
        Assert.Equal(ok, lines[0].Line);
        Assert.Equal("QUIT", lines[2].Line);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(999)]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(4096)]
    public void Over_long_line_in_pieces_is_reported_once_and_not_buffered(int pieceSize)
    {
        var wire = Bytes.Of("MAIL FROM:<" + new string('x', 20_000) + "@example.com>\r\nNOOP\r\n");
        var (lines, feeder) = ReadAll(Bytes.Pieces(wire, pieceSize));
        Assert.Equal([LineStatus.TooLong, LineStatus.Line], lines.Select(l => l.Status));
        Assert.Equal("NOOP", lines[1].Line);
        Assert.False(lines[1].BareLf);
        Assert.True(feeder.MaxBuffered <= 1000 + pieceSize, $"buffered {feeder.MaxBuffered}");
        Assert.Empty(feeder.Pending);
    }

    [Fact]
    public void Over_long_line_ending_in_bare_lf_does_not_stop_the_next_line()
    {
        var (lines, _) = ReadAll(Bytes.Pieces(Bytes.Of(new string('z', 3000) + "\nQUIT\r\n"), 100));
        Assert.Equal([LineStatus.TooLong, LineStatus.Line], lines.Select(l => l.Status));
        Assert.Equal("QUIT", lines[1].Line);
    }

    [Fact]
    public void Over_long_line_in_one_read_is_too_long()
    {
        var lines = ReadAll(new string('z', 5000) + "\r\nQUIT\r\n", "whole");
        Assert.Equal([LineStatus.TooLong, LineStatus.Line], lines.Select(l => l.Status));
    }
}
