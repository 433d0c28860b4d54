using System.Text;

namespace MailCluster.TestSupport;

/// <summary>Buffered reader for the sink: command lines, and DATA content up to CRLF.CRLF with un-dot-stuffing.</summary>
internal sealed class SinkReader(Stream stream)
{
    public const int MaxLine = 64 * 1024;

    private readonly byte[] _buffer = new byte[MaxLine];
    private int _start, _end;

    public Stream Stream { get; set; } = stream;

    public bool HasBuffered => _end > _start;

    public void Discard() => _start = _end = 0;

    /// <summary>One line without its CRLF (bare LF accepted); null at end of stream. Throws <see cref="InvalidDataException"/> if too long.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken ct)
    {
        var scanned = 0;
        while (true)
        {
            var newline = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var end = _start + scanned + newline;
                var length = end - _start;
                if (length > 0 && _buffer[end - 1] == '\r') length--;
                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = end + 1;
                return line;
            }
            scanned = _end - _start;
            if (scanned >= MaxLine) throw new InvalidDataException("line too long");
            if (!await FillAsync(ct)) return null;
        }
    }

    /// <summary>
    /// Message content up to the CRLF.CRLF terminator, with the extra '.' of stuffed lines removed
    /// (RFC 5321 section 4.5.2); only CRLF ends a line. False if the stream ended first.
    /// </summary>
    public async ValueTask<bool> ReadDataAsync(MemoryStream? content, CancellationToken ct)
    {
        var lineStart = true;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            if (span.Length > 0 && lineStart && span[0] == '.')
            {
                if (span.Length < 3 && !(span.Length == 2 && span[1] != '\r'))
                {
                    if (!await FillAsync(ct)) return false;
                    continue;
                }
                if (span[1] == '\r' && span[2] == '\n')
                {
                    _start += 3;
                    return true;
                }
                _start++;
                span = span[1..];
                lineStart = false;
            }
            if (span.Length > 0)
            {
                var crlf = span.IndexOf("\r\n"u8);
                if (crlf >= 0)
                {
                    content?.Write(span[..(crlf + 2)]);
                    _start += crlf + 2;
                    lineStart = true;
                    continue;
                }
                // No line end yet: pass on all but a trailing CR, which may be half of a CRLF.
                var take = span[^1] == '\r' ? span.Length - 1 : span.Length;
                content?.Write(span[..take]);
                _start += take;
                if (take > 0) lineStart = false;
            }
            if (!await FillAsync(ct)) return false;
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) throw new InvalidDataException("line too long");
        var read = await Stream.ReadAsync(_buffer.AsMemory(_end), ct);
        if (read == 0) return false;
        _end += read;
        return true;
    }
}
