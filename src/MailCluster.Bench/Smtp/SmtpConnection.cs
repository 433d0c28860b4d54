using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailCluster.Bench.Smtp;

/// <summary>
/// One raw SMTP client session: CRLF lines out, multi-line replies in. Every read and write is bounded by
/// the reply timeout so a stuck server fails the attempt instead of hanging the whole run.
/// </summary>
public sealed class SmtpConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private readonly TimeSpan _timeout;

    private SmtpConnection(Socket socket, TimeSpan timeout)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        // Latin1 maps every byte to one char, so odd server bytes cannot throw while decoding.
        _reader = new StreamReader(_stream, Encoding.Latin1, detectEncodingFromByteOrderMarks: false, bufferSize: 4096);
        _timeout = timeout;
    }

    public static async Task<SmtpConnection> ConnectAsync(IPEndPoint endpoint, TimeSpan timeout)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            await socket.ConnectAsync(endpoint, cts.Token);
            return new SmtpConnection(socket, timeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connect, expect 220, EHLO, expect 250: a session ready for MAIL FROM.</summary>
    public static async Task<SmtpConnection> OpenSessionAsync(IPEndPoint endpoint, string helo, TimeSpan timeout)
    {
        var connection = await ConnectAsync(endpoint, timeout);
        try
        {
            var greeting = await connection.ReadReplyAsync();
            if (greeting.Code != 220) throw new SmtpProtocolException($"greeting: {greeting}");
            var ehlo = await connection.CommandAsync($"EHLO {helo}");
            if (!ehlo.IsPositive) throw new SmtpProtocolException($"EHLO: {ehlo}");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<SmtpReply> CommandAsync(string line)
    {
        await SendLineAsync(line);
        return await ReadReplyAsync();
    }

    public Task SendLineAsync(string line) => SendRawAsync(Encoding.ASCII.GetBytes(line + "\r\n"));

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        using var cts = new CancellationTokenSource(_timeout);
        await _stream.WriteAsync(bytes, cts.Token);
    }

    /// <summary>Reads "ddd-text" continuation lines up to the final "ddd text" line.</summary>
    public async Task<SmtpReply> ReadReplyAsync()
    {
        using var cts = new CancellationTokenSource(_timeout);
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token)
                ?? throw new IOException("connection closed by server");
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), out var code) || code < 100)
                throw new SmtpProtocolException($"malformed reply line: '{line}'");
            if (line.Length > 3 && line[3] == '-') continue;
            return new SmtpReply(code, line.Length > 4 ? line[4..] : "");
        }
    }

    /// <summary>Polite QUIT; true if the server answered 221. Failures are swallowed because we close either way.</summary>
    public async Task<bool> QuitAsync()
    {
        try
        {
            var reply = await CommandAsync("QUIT");
            return reply.Code == 221;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
