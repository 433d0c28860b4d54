using System.Buffers;
using MailCluster.Smtp.Data;

namespace MailCluster.Smtp.Tests;

public class ChunkBodyReaderTests
{
    private readonly ArrayBufferWriter<byte> _body = new();
    private readonly PipeFeeder _feeder = new();
    private ChunkBodyReader _reader = null!;

    private ChunkBodyReader New(long maxSize = 1 << 20) => _reader = new ChunkBodyReader(_body, maxSize);

    /// <summary>Announces a chunk of <paramref name="size"/> octets and feeds <paramref name="wire"/> until it is read.</summary>
    private bool Chunk(long size, string wire, string split = "whole") => Chunk(size, Bytes.Of(wire), split);

    private bool Chunk(long size, byte[] wire, string split = "whole")
    {
        _reader.BeginChunk(size);
        var done = _feeder.FeedUntilDone(Bytes.Split(wire, split), (ref SequenceReader<byte> r) => _reader.Process(ref r));
        // A chunk already complete from buffered input (or empty) needs one more look.
        return done || _feeder.Push([], (ref SequenceReader<byte> r) => _reader.Process(ref r));
    }

    private string Body => Bytes.Text(_body.WrittenSpan);
    private string Rest => Bytes.Text(_feeder.Pending);

    [Fact]
    public void Exact_chunk_size_on_one_sequence_reader()
    {
        var reader = New();
        reader.BeginChunk(7);
        var input = new SequenceReader<byte>(new ReadOnlySequence<byte>(Bytes.Of("hello\r\nQUIT\r\n")));
        Assert.True(reader.Process(ref input));
        Assert.Equal("hello\r\n", Body);
        Assert.Equal(7, reader.BodyLength);
        Assert.Equal("QUIT\r\n", Bytes.Text(input.UnreadSequence.ToArray()));
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Chunks_split_across_reads(string split)
    {
        New();
        Assert.True(Chunk(14, "Subject: a\r\n\r\nline two\r\n" + "BDAT", split));
        Assert.Equal("Subject: a\r\n\r\n", Body);
        Assert.Equal("line two\r\nBDAT", Rest);
        Assert.Equal(DataFault.None, _reader.Fault);
    }

    [Fact]
    public void Partial_chunk_is_not_complete()
    {
        New();
        Assert.False(Chunk(10, "12345"));
        Assert.Equal("12345", Body);
        Assert.True(_feeder.Push(Bytes.Of("67890extra"), (ref SequenceReader<byte> r) => _reader.Process(ref r)));
        Assert.Equal("1234567890", Body);
        Assert.Equal("extra", Rest);
    }

    [Fact]
    public void Zero_size_chunk_is_complete_at_once()
    {
        New();
        _reader.BeginChunk(0);
        var input = new SequenceReader<byte>(new ReadOnlySequence<byte>(Bytes.Of("QUIT\r\n")));
        Assert.True(_reader.Process(ref input));
        Assert.Equal(0, input.Consumed);
        Assert.Equal(0, _body.WrittenCount);
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Crlf_split_across_chunks_is_fine(string split)
    {
        New();
        Assert.True(Chunk(9, "line one\r", split));
        Assert.True(Chunk(11, "\nline two\r\n", split));
        _reader.Complete();
        Assert.Equal(DataFault.None, _reader.Fault);
        Assert.Equal("line one\r\nline two\r\n", Body);
        Assert.Equal(20, _reader.BodyLength);
    }

    [Theory]
    [InlineData("a\r", "b\r\n")] // CR at the end of one chunk, no LF at the start of the next
    [InlineData("a", "\nb\r\n")] // LF at the start of a chunk without CR before it
    [InlineData("a\nb\r\n", "c\r\n")]
    [InlineData("a\rb\r\n", "c\r\n")]
    [InlineData("a\r\n", "\r\r\n")]
    [InlineData("a\r\n", "\n")]
    public void Bare_line_endings_across_and_within_chunks(string first, string second)
    {
        foreach (var split in Bytes.Splits)
        {
            New();
            Chunk(Bytes.Of(first).Length, first, split);
            Chunk(Bytes.Of(second).Length, second, split);
            _reader.Complete();
            Assert.Equal(DataFault.BareLineEnding, _reader.Fault);
        }
    }

    [Fact]
    public void Cr_as_the_very_last_byte_is_a_bare_line_ending_after_complete()
    {
        New();
        Assert.True(Chunk(4, "ab\r\n"));
        Assert.True(Chunk(3, "cd\r"));
        Assert.Equal(DataFault.None, _reader.Fault);
        _reader.Complete();
        Assert.Equal(DataFault.BareLineEnding, _reader.Fault);
    }

    [Fact]
    public void Complete_on_a_clean_message_keeps_no_fault()
    {
        New();
        Chunk(4, "ab\r\n");
        _reader.Complete();
        Assert.Equal(DataFault.None, _reader.Fault);
    }

    [Theory]
    [MemberData(nameof(Bytes.SplitData), MemberType = typeof(Bytes))]
    public void Too_big_and_the_body_stops_growing(string split)
    {
        New(maxSize: 10);
        Assert.True(Chunk(6, "12345\r", split));
        Assert.True(Chunk(7, "\n6789\r\nX", split));
        _reader.Complete();
        Assert.Equal(DataFault.TooBig, _reader.Fault);
        Assert.Equal(13, _reader.BodyLength);
        Assert.True(_body.WrittenCount <= 10, $"wrote {_body.WrittenCount}");
        Assert.Equal("X", Rest);
    }

    [Fact]
    public void Exactly_max_size_is_fine()
    {
        New(maxSize: 10);
        Chunk(10, "12345678\r\n");
        _reader.Complete();
        Assert.Equal(DataFault.None, _reader.Fault);
        Assert.Equal(10, _body.WrittenCount);
    }

    [Fact]
    public void Bare_line_ending_outranks_too_big()
    {
        New(maxSize: 4);
        Chunk(8, "12345678");
        Assert.Equal(DataFault.TooBig, _reader.Fault);
        Chunk(3, "a\nb");
        Assert.Equal(DataFault.BareLineEnding, _reader.Fault);

        New(maxSize: 4);
        Chunk(9, "12345678\r");
        _reader.Complete();
        Assert.Equal(DataFault.BareLineEnding, _reader.Fault);
    }

    [Fact]
    public void Line_length_limit_counts_across_chunks()
    {
        New();
        Chunk(500, new string('x', 500));
        Chunk(500, new string('x', 498) + "\r\n"); // 1000 octets including CRLF
        _reader.Complete();
        Assert.Equal(DataFault.None, _reader.Fault);

        New();
        Chunk(500, new string('x', 500));
        Chunk(501, new string('x', 499) + "\r\n"); // 1001
        _reader.Complete();
        Assert.Equal(DataFault.LineTooLong, _reader.Fault);
    }

    [Fact]
    public void Bare_cr_at_the_end_outranks_line_too_long()
    {
        New();
        Chunk(1101, new string('x', 1100) + "\r");
        Assert.Equal(DataFault.LineTooLong, _reader.Fault);
        _reader.Complete();
        Assert.Equal(DataFault.BareLineEnding, _reader.Fault);
    }

    [Fact]
    public void Large_chunk_in_pieces_is_stored_intact()
    {
        New();
        var line = new string('y', 70) + "\r\n";
        var data = string.Concat(Enumerable.Repeat(line, 1000));
        Assert.True(Chunk(data.Length, data, "random:7"));
        _reader.Complete();
        Assert.Equal(DataFault.None, _reader.Fault);
        Assert.Equal(data, Body);
    }
}
