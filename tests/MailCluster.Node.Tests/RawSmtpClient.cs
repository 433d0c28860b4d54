using System.Net.Sockets;
using System.Text;

namespace MailCluster.Node.Tests;

/// <summary>Just enough SMTP over a plain socket to send exact octets and read replies.</summary>
public sealed class RawSmtpClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    public string Greeting { get; private set; } = "";

    private RawSmtpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    public static async Task<RawSmtpClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        tcp.ReceiveTimeout = tcp.SendTimeout = 10_000;
        var client = new RawSmtpClient(tcp);
        client.Greeting = await client.ReadReplyAsync();
        return client;
    }

    /// <summary>A whole reply, possibly multi-line; the last line is the one with a space after the code.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var sb = new StringBuilder();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token) ?? throw new IOException($"connection closed after '{sb}'");
            sb.AppendLine(line);
            if (line.Length < 4 || line[3] == ' ') return sb.ToString();
        }
    }

    public async Task<string> CommandAsync(string command)
    {
        await WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        return await ReadReplyAsync();
    }

    public Task WriteAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>DATA with <paramref name="content"/> (CRLF line endings, ending in CRLF), dot-stuffed here. Returns the final reply.</summary>
    public async Task<string> DataAsync(byte[] content)
    {
        var go = await CommandAsync("DATA");
        if (!go.StartsWith("354")) throw new InvalidOperationException($"DATA refused: {go}");
        await WriteAsync(DotStuff(content));
        await WriteAsync(".\r\n"u8.ToArray());
        return await ReadReplyAsync();
    }

    public static byte[] DotStuff(byte[] content)
    {
        var output = new List<byte>(content.Length + 16);
        var atLineStart = true;
        foreach (var b in content)
        {
            if (atLineStart && b == (byte)'.') output.Add((byte)'.');
            output.Add(b);
            atLineStart = b == (byte)'\n';
        }
        return output.ToArray();
    }

    public void Dispose()
    {
        _reader.Dispose();
        _tcp.Dispose();
    }
}
