using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace MailCluster.Protocol.Tests;

/// <summary>A byte-exact SMTP client for pipelining, malformed input and smuggling attempts.</summary>
public sealed class RawSmtpClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly List<byte> _buffer = [];

    private RawSmtpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawSmtpClient> ConnectAsync(IPEndPoint endpoint, bool readGreeting = true)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint);
        var client = new RawSmtpClient(tcp);
        if (readGreeting) Assert.StartsWith("220 ", await client.ReadReplyAsync());
        return client;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>
    /// Sends the text and the FIN back to back (two system calls, no await between them), so that the server sees the
    /// hang-up together with the last command rather than whenever the test gets round to disposing the client.
    /// </summary>
    public void SendAndHangUp(string text)
    {
        // TCP_CORK holds the bytes back, so the FIN rides in the same segment as the text: the server cannot read
        // the text before the close has arrived, however the two processes are scheduled.
        const int ipprotoTcp = 6, tcpCork = 3;
        _tcp.Client.SetRawSocketOption(ipprotoTcp, tcpCork, BitConverter.GetBytes(1));
        _tcp.Client.Send(Encoding.UTF8.GetBytes(text));
        _tcp.Client.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Sends text and returns the next reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line);
        return await ReadReplyAsync();
    }

    /// <summary>Reads one complete (possibly multi-line) reply; returns "" if the server closed the connection.</summary>
    public async Task<string> ReadReplyAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var reply = new StringBuilder();
        while (true)
        {
            var line = await ReadLineAsync(cts.Token);
            if (line is null) return reply.ToString();
            reply.Append(line).Append('\n');
            if (line.Length < 4 || line[3] != '-') return reply.ToString().TrimEnd('\n');
        }
    }

    public async Task<IReadOnlyList<string>> ReadRepliesAsync(int count)
    {
        var replies = new List<string>();
        for (var i = 0; i < count; i++) replies.Add(await ReadReplyAsync());
        return replies;
    }

    /// <summary>True if the server closed the connection (EOF or reset) within the timeout.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan timeout)
    {
        try { return await ReadLineAsync(new CancellationTokenSource(timeout).Token) is null; }
        catch (OperationCanceledException) { return false; }
        catch (IOException) { return true; }
    }

    public async Task StartTlsAsync()
    {
        var ssl = new SslStream(_stream, false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync("mx.test");
        _stream = ssl;
        _buffer.Clear();
    }

    private async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var chunk = new byte[4096];
        while (true)
        {
            var lf = _buffer.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer.GetRange(0, lf).ToArray()).TrimEnd('\r');
                _buffer.RemoveRange(0, lf + 1);
                return line;
            }
            int n;
            try { n = await _stream.ReadAsync(chunk, ct); }
            catch (IOException) { return null; }
            if (n == 0) return null;
            _buffer.AddRange(chunk.AsSpan(0, n).ToArray());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
