using System.Buffers;
using MailCluster.Smtp.Data;

namespace MailCluster.Smtp.Tests;

public class DotStuffedBodyReaderTests
{
    private sealed record Result(bool Done, DataFault Fault, string Body, long BodyLength, string Rest, long MaxBuffered, int Written);

    private static Result Read(string wire, string split = "whole", long maxSize = 1 << 20) =>
        Read(Bytes.Of(wire), split, maxSize);

    private static Result Read(byte[] wire, string split, long maxSize)
    {
        var body = new ArrayBufferWriter<byte>();
        var reader = new DotStuffedBodyReader(body, maxSize);
        var feeder = new PipeFeeder();
        var done = feeder.FeedUntilDone(Bytes.Split(wire, split), (ref SequenceReader<byte> r) => reader.Process(ref r));
        return new Result(done, reader.Fault, Bytes.Text(body.WrittenSpan), reader.BodyLength, Bytes.Text(feeder.Pending),
            feeder.MaxBuffered, body.WrittenCount);
    }

    /// <summary>The single-read case, straight on a SequenceReader.</summary>
    [Fact]
    public void Plain_body_on_one_sequence_reader()
    {
        var body = new ArrayBufferWriter<byte>();
        var reader = new DotStuffedBodyReader(body, 1000);
        var input = new SequenceReader<byte>(new ReadOnlySequence<byte>(Bytes.Of("Subject: x\r\n\r\nHello\r\n.\r\nQUIT\r\n")));
        Assert.True(reader.Process(ref input));
        Assert.Equal(DataFault.None, reader.Fault);
        Assert.Equal("Subject: x\r\n\r\nHello\r\n", Bytes.Text(body.WrittenSpan));
        Assert.Equal(body.WrittenCount, reader.BodyLength);
        Assert.Equal("QUIT\r\n", Bytes.Text(input.UnreadSequence.ToArray()));
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Plain_body_ends_at_crlf_dot_crlf_and_excludes_it(string split)
    {
        var r = Read("Subject: x\r\n\r\nline 1\r\nline 2\r\n.\r\n", split);
        Assert.True(r.Done);
        Assert.Equal(DataFault.None, r.Fault);
        Assert.Equal("Subject: x\r\n\r\nline 1\r\nline 2\r\n", r.Body);
        Assert.Equal(r.Body.Length, r.BodyLength);
        Assert.Equal("", r.Rest);
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Dot_unstuffing(string split)
    {
        var r = Read("..x\r\n..\r\n...\r\na.b\r\n.x\r\n x.\r\n.\r\n", split);
        Assert.True(r.Done);
        Assert.Equal(DataFault.None, r.Fault);
        Assert.Equal(".x\r\n.\r\n..\r\na.b\r\nx\r\n x.\r\n", r.Body);
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Empty_body(string split)
    {
        var r = Read(".\r\nMAIL FROM:<>\r\n", split);
        Assert.True(r.Done);
        Assert.Equal(DataFault.None, r.Fault);
        Assert.Equal("", r.Body);
        Assert.Equal(0, r.BodyLength);
        Assert.Equal("MAIL FROM:<>\r\n", r.Rest);
    }

    [Theory]
    [InlineData("abc\r\n.")]
    [InlineData("abc\r\n.\r")]
    [InlineData("abc\r\n")]
    [InlineData("abc")]
    [InlineData("")]
    public void Incomplete_terminator_is_not_the_end(string wire)
    {
        foreach (var split in Bytes.Splits)
        {
            var r = Read(wire, split);
            Assert.False(r.Done);
            Assert.Equal(DataFault.None, r.Fault);
        }
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Data_after_the_terminator_is_left_unconsumed(string split)
    {
        var r = Read("a\r\n.\r\nMAIL FROM:<x@y.example>\r\nRCPT TO:<z@y.example>\r\n", split);
        Assert.True(r.Done);
        Assert.Equal("a\r\n", r.Body);
        Assert.Equal("MAIL FROM:<x@y.example>\r\nRCPT TO:<z@y.example>\r\n", r.Rest);
    }

    public static TheoryData<string, string> SmugglingVariants()
    {
        var data = new TheoryData<string, string>();
        string[] variants = ["\n.\n", "\n.\r\n", "\r.\r", "\r\n.\n", "\r\n.\r", "\r.\r\n", "\r\n.\r\r\n", "\r\n\n.\r\n"];
        foreach (var v in variants)
            foreach (var split in Bytes.Splits)
                data.Add(v, split);
        return data;
    }

    [Theory]
    [MemberData(nameof(SmugglingVariants))]
    public void Smuggling_terminators_are_not_the_end_and_are_bare_line_endings(string variant, string split)
    {
        const string smuggled = "MAIL FROM:<ceo@victim.example>\r\nRCPT TO:<x@victim.example>\r\nDATA\r\nforged\r\n.\r\n";
        var r = Read("Subject: hi\r\n\r\nfirst" + variant + smuggled + "QUIT\r\n", split);
        Assert.True(r.Done);
        Assert.Equal(DataFault.BareLineEnding, r.Fault);
        Assert.DoesNotContain("forged", r.Body);
    }

    [Theory]
    [InlineData("bare\nlf\r\n.\r\n")]
    [InlineData("bare\rcr\r\n.\r\n")]
    [InlineData("ok\r\n\n.\r\n")]
    [InlineData("ok\r\n\r\r\n.\r\n")]
    [InlineData("\n")]
    [InlineData("trailing cr\r\r\n.\r\n")]
    public void Bare_lf_or_cr_in_a_line_is_a_fault(string wire)
    {
        foreach (var split in Bytes.Splits)
        {
            var r = Read(wire, split);
            Assert.True(r.Done, split);
            Assert.Equal(DataFault.BareLineEnding, r.Fault);
        }
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Bare_cr_in_a_long_partial_line_is_a_fault(string split)
    {
        var r = Read(new string('x', 3000) + "\r" + new string('y', 3000) + "\r\n.\r\n", split);
        Assert.True(r.Done);
        Assert.Equal(DataFault.BareLineEnding, r.Fault);
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Line_of_exactly_1000_octets_is_fine(string split)
    {
        var line = new string('x', 998) + "\r\n";
        var r = Read(line + "..y" + new string('z', 995) + "\r\n.\r\n", split); // 1000 on the wire, 999 after unstuffing
        Assert.True(r.Done);
        Assert.Equal(DataFault.None, r.Fault);
        Assert.Equal(line + ".y" + new string('z', 995) + "\r\n", r.Body);
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Line_of_1001_octets_is_too_long_but_reading_continues_to_the_terminator(string split)
    {
        var r = Read("ok\r\n" + new string('x', 999) + "\r\nmore\r\n.\r\nQUIT\r\n", split);
        Assert.True(r.Done);
        Assert.Equal(DataFault.LineTooLong, r.Fault);
        Assert.Equal("QUIT\r\n", r.Rest);
        Assert.Equal(4 + 1001 + 6, r.BodyLength);
    }

    [Fact]
    public void Megabytes_without_newline_use_bounded_memory()
    {
        var body = new ArrayBufferWriter<byte>();
        var reader = new DotStuffedBodyReader(body, 64L << 20);
        var feeder = new PipeFeeder();
        var piece = Bytes.Of(new string('x', 64 * 1024));
        for (var i = 0; i < 64; i++) // 4 MiB, no line ending
            Assert.False(feeder.Push(piece, (ref SequenceReader<byte> r) => reader.Process(ref r)));
        Assert.Equal(DataFault.LineTooLong, reader.Fault);
        Assert.True(feeder.MaxBuffered <= piece.Length + 1000, $"buffered {feeder.MaxBuffered}");
        Assert.True(feeder.Pending.Length <= 1000);
        Assert.True(body.WrittenCount <= 1000, $"body holds {body.WrittenCount}");

        Assert.True(feeder.Push(Bytes.Of("\r\n.\r\nNOOP\r\n"), (ref SequenceReader<byte> r) => reader.Process(ref r)));
        Assert.Equal(DataFault.LineTooLong, reader.Fault);
        Assert.Equal(64L * piece.Length + 2, reader.BodyLength);
        Assert.Equal("NOOP\r\n", Bytes.Text(feeder.Pending));
    }

    [Fact]
    public void Long_partial_line_split_after_its_cr_still_ends_cleanly()
    {
        var body = new ArrayBufferWriter<byte>();
        var reader = new DotStuffedBodyReader(body, 1 << 20);
        var feeder = new PipeFeeder();
        Assert.False(feeder.Push(Bytes.Of(new string('x', 5000) + "\r"), (ref SequenceReader<byte> r) => reader.Process(ref r)));
        Assert.False(feeder.Push(Bytes.Of("\n"), (ref SequenceReader<byte> r) => reader.Process(ref r)));
        Assert.True(feeder.Push(Bytes.Of(".\r\n"), (ref SequenceReader<byte> r) => reader.Process(ref r)));
        Assert.Equal(DataFault.LineTooLong, reader.Fault);
    }

    [Fact]
    public void Process_on_empty_input_after_a_long_partial_line_does_not_throw()
    {
        var reader = new DotStuffedBodyReader(new ArrayBufferWriter<byte>(), 1 << 20);
        var first = new SequenceReader<byte>(new ReadOnlySequence<byte>(Bytes.Of(new string('x', 2000))));
        Assert.False(reader.Process(ref first));
        var empty = new SequenceReader<byte>(ReadOnlySequence<byte>.Empty);
        Assert.False(reader.Process(ref empty));
        Assert.Equal(DataFault.LineTooLong, reader.Fault);
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Exceeding_max_size_is_too_big_and_the_body_stops_growing(string split)
    {
        var wire = string.Concat(Enumerable.Repeat("abcdefgh\r\n", 100)) + ".\r\nQUIT\r\n";
        var r = Read(wire, split, maxSize: 55);
        Assert.True(r.Done);
        Assert.Equal(DataFault.TooBig, r.Fault);
        Assert.True(r.Written <= 55, $"wrote {r.Written}");
        Assert.Equal(1000, r.BodyLength);
        Assert.Equal("QUIT\r\n", r.Rest);
    }

    [Fact]
    public void Body_of_exactly_max_size_is_accepted()
    {
        var r = Read("12345678\r\n.\r\n", maxSize: 10);
        Assert.Equal(DataFault.None, r.Fault);
        Assert.Equal(10, r.Written);
        Assert.Equal(DataFault.TooBig, Read("123456789\r\n.\r\n", maxSize: 10).Fault);
    }

    [Fact]
    public void Bare_line_ending_outranks_earlier_faults()
    {
        Assert.Equal(DataFault.BareLineEnding, Read(new string('x', 2000) + "\r\nbad\n.\r\n").Fault);
        Assert.Equal(DataFault.BareLineEnding, Read("0123456789\r\nbad\n.\r\n", maxSize: 5).Fault);
    }

    [Fact]
    public void Utf8_and_binary_octets_pass_through()
    {
        var wire = new byte[] { 0xC3, 0xA9, 0x00, 0xFF, (byte)'\r', (byte)'\n', (byte)'.', (byte)'\r', (byte)'\n' };
        var body = new ArrayBufferWriter<byte>();
        var reader = new DotStuffedBodyReader(body, 100);
        var input = new SequenceReader<byte>(new ReadOnlySequence<byte>(wire));
        Assert.True(reader.Process(ref input));
        Assert.Equal(DataFault.None, reader.Fault);
        Assert.Equal(wire[..6], body.WrittenSpan.ToArray());
    }
}
