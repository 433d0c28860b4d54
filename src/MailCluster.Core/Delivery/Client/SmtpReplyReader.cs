using System.Text;

namespace MailCluster.Core.Delivery.Client;

/// <summary>Buffered reader of SMTP replies (RFC 5321 section 4.2): lines end in CRLF (a bare LF is tolerated).</summary>
internal sealed class SmtpReplyReader(Stream stream)
{
    private const int MaxLines = 1000;

    // Also the longest reply line accepted.
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start, _end;

    public Stream Stream { get; set; } = stream;

    /// <summary>Bytes received but not yet consumed; must be zero when TLS starts (RFC 3207 section 6 injection).</summary>
    public int Buffered => _end - _start;

    public async ValueTask<SmtpResponse> ReadReplyAsync(CancellationToken ct)
    {
        var lines = new List<string>(1);
        while (true)
        {
            var line = await ReadLineAsync(ct);
            if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2])
                || (line.Length > 3 && line[3] is not (' ' or '-')))
                throw new InvalidDataException($"malformed reply: {Printable(line)}");
            if (lines.Count > 0 && string.CompareOrdinal(line, 0, lines[0], 0, 3) != 0)
                throw new InvalidDataException($"reply code changed within a multiline reply: {Printable(line)}");
            lines.Add(line);
            if (line.Length == 3 || line[3] == ' ') return SmtpResponse.Parse(lines);
            if (lines.Count >= MaxLines) throw new InvalidDataException("multiline reply too long");
        }
    }

    private async ValueTask<string> ReadLineAsync(CancellationToken ct)
    {
        var scanned = 0;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start + scanned, _end - _start - scanned);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r') length--;
                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }
            scanned = _end - _start;
            if (_start > 0 && _end == _buffer.Length)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, scanned);
                _start = 0;
                _end = scanned;
            }
            if (_end == _buffer.Length) throw new InvalidDataException("reply line too long");
            var read = await Stream.ReadAsync(_buffer.AsMemory(_end), ct);
            if (read == 0) throw new EndOfStreamException("connection closed by the remote side");
            _end += read;
        }
    }

    private static string Printable(string line) => line.Length > 100 ? line[..100] + "..." : line;
}
