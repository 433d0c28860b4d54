using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailCluster.Smtp.Data;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Smtp.Transport;

/// <summary>
/// The socket side of one SMTP session: a PipeReader for input and a reply buffer for output.
/// Replies are buffered and flushed only when the next read would wait for the client, which is what
/// RFC 2920 pipelining asks for: one batch of commands gets one batch of replies, in order.
/// Only one operation runs at a time; the connection actor starts the next when the last one is done.
/// </summary>
public sealed class SmtpWire : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private Stream _stream;
    private PipeReader _reader;
    private readonly ArrayBufferWriter<byte> _pendingReplies = new(256);
    private readonly CommandLineReader _lineReader = new();

    public SmtpWire(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _network = new NetworkStream(socket, ownsSocket: true);
        _stream = _network;
        _reader = CreateReader(_stream);
    }

    public bool IsTls => _stream is SslStream;
    /// <summary>The negotiated TLS version and cipher once TLS is up (STARTTLS or implicit), for the Received: field.</summary>
    public TlsSessionInfo? Tls { get; private set; }

    private static PipeReader CreateReader(Stream stream) =>
        PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));

    public void Enqueue(SmtpReply reply) => Encoding.UTF8.GetBytes(reply.ToWire(), _pendingReplies);

    public async Task FlushAsync(CancellationToken ct = default)
    {
        if (_pendingReplies.WrittenCount == 0) return;
        await _stream.WriteAsync(_pendingReplies.WrittenMemory, ct);
        await _stream.FlushAsync(ct);
        _pendingReplies.ResetWrittenCount();
    }

    /// <summary>Reads one command line, waiting at most <paramref name="timeout"/> for each read.</summary>
    public Task<CommandLine> ReadCommandAsync(TimeSpan timeout) => ReadCommandAsync(timeout, TimeSpan.MaxValue);

    /// <summary>
    /// Reads one command line. <paramref name="timeout"/> bounds the wait for input; once the line's first octet is in,
    /// the whole line must arrive within <paramref name="lineDeadline"/> (Postfix's smtpd_per_record_deadline), so a
    /// client dribbling an octet at a time cannot hold the session for a full idle timeout per octet.
    /// </summary>
    public async Task<CommandLine> ReadCommandAsync(TimeSpan timeout, TimeSpan lineDeadline)
    {
        TimeSpan? lineStarted = null;
        try
        {
            for (var waitForMore = false; ; waitForMore = true)
            {
                var wait = timeout;
                var deadlineBound = false;
                if (lineStarted is { } started)
                {
                    var left = lineDeadline - (Now - started);
                    if (left <= TimeSpan.Zero) return new CommandLine(ReadOutcome.LineDeadlineExceeded, [], false, false);
                    if (left < wait) (wait, deadlineBound) = (left, true);
                }
                ReadResult result;
                try { result = await ReadFlushingAsync(wait, waitForMore); }
                catch (OperationCanceledException) when (deadlineBound)
                {
                    return new CommandLine(ReadOutcome.LineDeadlineExceeded, [], false, false);
                }
                var buffer = result.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                var status = _lineReader.TryRead(ref reader, out var line);
                var bytes = status == LineStatus.Line ? line.ToArray() : [];
                if (status is null && !buffer.IsEmpty) lineStarted ??= Now;
                // Mark the whole buffer examined only when it held no complete line, so buffered pipelined
                // commands are seen again without waiting for the network.
                _reader.AdvanceTo(reader.Position, status is null ? buffer.End : reader.Position);
                if (status is not null)
                    return new CommandLine(ReadOutcome.Completed, bytes, status == LineStatus.TooLong, _lineReader.HadBareLf);
                if (result.IsCompleted) return new CommandLine(ReadOutcome.PeerClosed, [], false, false);
            }
        }
        catch (OperationCanceledException) { return new CommandLine(ReadOutcome.TimedOut, [], false, false); }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            return new CommandLine(ReadOutcome.Failed, [], false, false);
        }
    }

    /// <summary>Reads a DATA body until CRLF.CRLF or a bare line ending, held to <paramref name="rate"/> if given.</summary>
    public Task<ReadOutcome> ReadDataAsync(DotStuffedBodyReader body, TimeSpan timeout, DataRateGuard? rate = null) =>
        ReadUntilAsync((ref SequenceReader<byte> r) => body.Process(ref r), timeout, rate);

    /// <summary>Reads the rest of one BDAT chunk, held to <paramref name="rate"/> if given.</summary>
    public Task<ReadOutcome> ReadChunkAsync(ChunkBodyReader body, TimeSpan timeout, DataRateGuard? rate = null) =>
        ReadUntilAsync((ref SequenceReader<byte> r) => body.Process(ref r), timeout, rate);

    private delegate bool Consumer(ref SequenceReader<byte> reader);

    private static TimeSpan Now => MonotonicClock.Now;

    private async Task<ReadOutcome> ReadUntilAsync(Consumer consume, TimeSpan timeout, DataRateGuard? rate)
    {
        // Something that needs no octets (BDAT 0 LAST) is complete now; waiting for input would hold its reply
        // until the client sent more, and let the client's close complete it instead.
        if (Consume(consume, ReadOnlySequence<byte>.Empty, out _)) return ReadOutcome.Completed;
        try
        {
            long carried = 0; // octets examined by the last round but left in the pipe (a partial line)
            for (var waitForMore = false; ; waitForMore = true)
            {
                var wait = timeout;
                var rateBound = false;
                if (rate is not null)
                {
                    var left = rate.TimeLeft(Now);
                    if (left <= TimeSpan.Zero) return ReadOutcome.DataRateTooLow;
                    if (left < wait) (wait, rateBound) = (left, true);
                }
                ReadResult result;
                try { result = await ReadFlushingAsync(wait, waitForMore); }
                catch (OperationCanceledException) when (rateBound) { return ReadOutcome.DataRateTooLow; }
                var buffer = result.Buffer;
                rate?.Record(buffer.Length - carried, Now);
                var done = Consume(consume, buffer, out var consumed);
                carried = buffer.Length - buffer.Slice(0, consumed).Length;
                _reader.AdvanceTo(consumed, done ? consumed : buffer.End);
                if (done) return ReadOutcome.Completed;
                if (result.IsCompleted) return ReadOutcome.PeerClosed;
            }
        }
        catch (OperationCanceledException) { return ReadOutcome.TimedOut; }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            return ReadOutcome.Failed;
        }
    }

    private static bool Consume(Consumer consume, ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        var done = consume(ref reader);
        consumed = reader.Position;
        return done;
    }

    /// <summary>
    /// Returns already-buffered input at once; flushes pending replies only when it has to wait for the client.
    /// <paramref name="waitForMore"/> is set when the caller examined the whole buffer without finding what it needs.
    /// </summary>
    private async ValueTask<ReadResult> ReadFlushingAsync(TimeSpan timeout, bool waitForMore)
    {
        if (!waitForMore && _reader.TryRead(out var buffered))
        {
            if (buffered.Buffer.Length > 0 || buffered.IsCompleted) return buffered;
            _reader.AdvanceTo(buffered.Buffer.Start);
        }
        using var cts = new CancellationTokenSource(timeout);
        await FlushAsync(cts.Token);
        return await _reader.ReadAsync(cts.Token);
    }

    /// <summary>
    /// True when the client has already closed (or reset) the connection, so a reply written now would never be read.
    /// Looks at the socket without waiting: readable with nothing to read is the peer's FIN. Best effort: a close that
    /// has not arrived yet, or one behind unread bytes (a TLS close_notify), is not seen.
    /// </summary>
    public bool ClientHasHungUp()
    {
        try { return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0; }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { return true; }
    }

    /// <summary>
    /// Flushes the 220, throws away anything the client pipelined after STARTTLS (CVE-2011-0411: such plaintext
    /// must never be executed as if it came over TLS), and performs the server handshake.
    /// </summary>
    public async Task<bool> StartTlsAsync(X509Certificate2 certificate, TimeSpan timeout)
    {
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            await FlushAsync(cts.Token);
            await _reader.CompleteAsync(); // drops the buffered plaintext
            var ssl = new SslStream(_network, leaveInnerStreamOpen: true);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                ClientCertificateRequired = false,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            }, cts.Token);
            _stream = ssl;
            _reader = CreateReader(ssl);
            Tls = new TlsSessionInfo(TlsSessionInfo.ProtocolName(ssl.SslProtocol), ssl.NegotiatedCipherSuite.ToString());
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Flushes what is pending (best effort) and closes the connection.</summary>
    public async Task CloseAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await FlushAsync(cts.Token);
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException) { }
        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        if (_stream is SslStream ssl) await ssl.DisposeAsync();
        await _network.DisposeAsync();
    }
}
