using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace MailCluster.Core.Delivery.Client;

/// <summary>
/// One outbound SMTP (or LMTP) connection to one host:port that can carry several messages in turn.
/// <see cref="ConnectAsync(string, IPAddress, int, SmtpDeliveryOptions, CancellationToken)"/> connects, reads the
/// greeting, says EHLO (HELO on 5xx), upgrades with STARTTLS per <see cref="SmtpDeliveryOptions.TlsMode"/>;
/// <see cref="DeliverAsync"/> sends one message as raw octets (dot-stuffed, never re-encoded) and returns
/// one <see cref="RecipientResult"/> per recipient. Never throws for remote trouble: a refused greeting,
/// a lost connection or a timeout becomes Deferred/Failed results. Not thread-safe: one message at a time.
/// </summary>
public sealed class SmtpDeliveryClient : IAsyncDisposable
{
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();
    private static readonly byte[] EndOfData = ".\r\n"u8.ToArray();
    private const int BodyChunkSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly SmtpDeliveryOptions _options;
    private readonly ArrayBufferWriter<byte> _out = new(4096);
    private readonly SmtpReplyReader _reader;
    private Stream _stream;
    private bool _broken;
    private int _busy;

    private SmtpDeliveryClient(Socket socket, string host, IPEndPoint remote, SmtpDeliveryOptions options)
    {
        _socket = socket;
        _options = options;
        RemoteHost = host;
        RemoteEndPoint = remote;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new SmtpReplyReader(_stream);
    }

    /// <summary>The host name this connection was made for (MX name, route host, or the IP address as text).</summary>
    public string RemoteHost { get; }

    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>The server's greeting; null only if it never arrived.</summary>
    public SmtpResponse? Banner { get; private set; }

    public SmtpCapabilities Capabilities { get; private set; } = SmtpCapabilities.None;

    public bool IsTls { get; private set; }

    /// <summary>
    /// Why this connection cannot carry mail (refused greeting, EHLO/HELO refused, TLS required but impossible);
    /// null after a good handshake. When set, <see cref="DeliverAsync"/> returns it for every recipient.
    /// </summary>
    public DeliveryFailure? SessionFailure { get; private set; }

    /// <summary>True when the STARTTLS handshake itself failed (a caller may retry this address without TLS).</summary>
    public bool TlsHandshakeFailed { get; private set; }

    /// <summary>Whether another message can be sent on this connection.</summary>
    public bool IsUsable => SessionFailure is null && !_broken;

    /// <summary>When the server last replied (UTC); lets a caller holding the connection judge how long it sat idle.</summary>
    public DateTimeOffset LastActivity { get; private set; } = DateTimeOffset.UtcNow;

    /// <summary>Transactions started on this connection (MAIL FROM sent).</summary>
    public int MessagesAttempted { get; private set; }

    private string Who => $"{RemoteHost}[{RemoteEndPoint.Address}]:{RemoteEndPoint.Port}";

    public static Task<SmtpDeliveryClient> ConnectAsync(IPEndPoint endpoint, SmtpDeliveryOptions options, CancellationToken ct = default) =>
        ConnectAsync(endpoint.Address.ToString(), endpoint.Address, endpoint.Port, options, ct);

    /// <summary>
    /// Connects and performs greeting, EHLO and STARTTLS. Throws <see cref="SmtpConnectException"/> when the TCP
    /// connection cannot be made (refused, unreachable, timed out); anything after that is reported through
    /// <see cref="SessionFailure"/> on the returned client. Cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<SmtpDeliveryClient> ConnectAsync(string host, IPAddress address, int port, SmtpDeliveryOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(options);
        var remote = new IPEndPoint(address, port);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(remote, timeout.Token);
            }
            catch (Exception e)
            {
                socket.Dispose();
                if (ct.IsCancellationRequested) throw;
                var why = e switch
                {
                    OperationCanceledException => "Connection timed out",
                    SocketException s => Describe(s),
                    _ => e.Message,
                };
                throw new SmtpConnectException(DeliveryFailure.Deferred("4.4.1", $"connect to {host}[{address}]:{port}: {why}", host), e);
            }
        }

        var client = new SmtpDeliveryClient(socket, host, remote, options);
        try
        {
            await client.HandshakeAsync(ct);
        }
        catch (SmtpConversationException e)
        {
            client.SessionFailure = e.Failure;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
        if (client.SessionFailure is not null) client.Break();
        return client;
    }

    private async Task HandshakeAsync(CancellationToken ct)
    {
        var banner = await ReadAsync("receiving the initial server greeting", _options.CommandTimeout, ct);
        Banner = banner;
        if (!banner.IsSuccess)
        {
            SessionFailure = banner.ToFailure(RemoteHost);
            await TryQuitAsync();
            return;
        }

        if (!await HelloAsync(ct)) return;

        if (_options.TlsMode == SmtpTlsMode.Disabled) return;
        if (!Capabilities.StartTls)
        {
            if (_options.TlsMode == SmtpTlsMode.Required)
            {
                SessionFailure = DeliveryFailure.Deferred("4.7.4", $"TLS is required, but was not offered by host {Who}", RemoteHost);
                await TryQuitAsync();
            }
            return;
        }

        var reply = await CommandAsync("STARTTLS", "sending STARTTLS", _options.CommandTimeout, ct);
        if (reply.Code != 220)
        {
            if (_options.TlsMode == SmtpTlsMode.Required)
            {
                SessionFailure = DeliveryFailure.Deferred("4.7.5", $"TLS is required, but host {Who} refused to start TLS: {reply}", RemoteHost);
                await TryQuitAsync();
            }
            return; // Opportunistic: carry on in plaintext on the same connection.
        }
        if (_reader.Buffered > 0)
            throw Conversation("4.7.5", $"host {Who} sent data after its STARTTLS reply (possible command injection)");

        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(_options.CommandTimeout);
            try
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = IPAddress.TryParse(RemoteHost, out _) ? "" : RemoteHost,
                    // Opportunistic and "encrypt" levels: any certificate will do (RFC 7435).
                    RemoteCertificateValidationCallback = static (_, _, _, _) => true,
                }, timeout.Token);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                TlsHandshakeFailed = true;
                await ssl.DisposeAsync();
                throw Conversation("4.7.5", $"Cannot start TLS with {Who}: handshake failure ({(e is OperationCanceledException ? "timed out" : e.Message)})", e);
            }
        }
        _stream = ssl;
        _reader.Stream = ssl;
        IsTls = true;
        Capabilities = SmtpCapabilities.None;
        await HelloAsync(ct);
    }

    /// <summary>EHLO (HELO after a 5xx) or LHLO. False, with <see cref="SessionFailure"/> set, if refused.</summary>
    private async Task<bool> HelloAsync(CancellationToken ct)
    {
        var verb = _options.Lmtp ? "LHLO" : "EHLO";
        var reply = await CommandAsync($"{verb} {_options.HeloName}", $"performing the {verb} handshake", _options.CommandTimeout, ct);
        if (reply.IsSuccess)
        {
            Capabilities = SmtpCapabilities.FromEhlo(reply);
            return true;
        }
        if (reply.IsPermanent && !_options.Lmtp)
        {
            reply = await CommandAsync($"HELO {_options.HeloName}", "performing the HELO handshake", _options.CommandTimeout, ct);
            if (reply.IsSuccess)
            {
                Capabilities = SmtpCapabilities.None;
                return true;
            }
        }
        SessionFailure = reply.ToFailure(RemoteHost);
        await TryQuitAsync();
        return false;
    }

    /// <summary>
    /// Sends one message and returns one result per entry of <see cref="OutboundMessage.Recipients"/>, in order.
    /// Throws only on cancellation (after which the connection is unusable).
    /// </summary>
    public async Task<IReadOnlyList<RecipientResult>> DeliverAsync(OutboundMessage message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Interlocked.Exchange(ref _busy, 1) == 1) throw new InvalidOperationException("SmtpDeliveryClient carries one message at a time.");
        try
        {
            var recipients = message.Recipients;
            if (recipients.Count == 0) return [];
            if (SessionFailure is { } session) return session.For(recipients);
            if (_broken) return DeliveryFailure.Deferred("4.4.2", $"connection with {Who} is no longer usable", RemoteHost).For(recipients);
            if (message.RequiresSmtpUtf8 && !Capabilities.SmtpUtf8)
                return DeliveryFailure.Failed("5.6.7", $"SMTPUTF8 is required, but was not offered by host {Who}", RemoteHost).For(recipients);
            if (Capabilities.MaxSize is { } max && message.Content.Length > max)
                return DeliveryFailure.Failed("5.3.4", $"message size {message.Content.Length} exceeds size limit {max} of server {Who}", RemoteHost).For(recipients);

            var results = new RecipientResult?[recipients.Count];
            try
            {
                await TransactionAsync(message, results, ct);
            }
            catch (SmtpConversationException e)
            {
                for (var i = 0; i < results.Length; i++) results[i] ??= e.Failure.For(recipients[i]);
            }
            catch (OperationCanceledException)
            {
                Break();
                throw;
            }
            // Any slot still empty would be a bug; defer rather than lose the recipient.
            return results.Select((r, i) => r ?? DeliveryFailure.Deferred("4.3.0", "internal error: no outcome recorded", RemoteHost).For(recipients[i])).ToList();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private async Task TransactionAsync(OutboundMessage message, RecipientResult?[] results, CancellationToken ct)
    {
        var recipients = message.Recipients;
        var reset = MessagesAttempted > 0;
        MessagesAttempted++;
        var mailCommand = MailCommand(message);
        var accepted = new List<int>(recipients.Count);
        SmtpResponse mailReply;

        if (Capabilities.Pipelining)
        {
            // RFC 2920: RSET, MAIL and RCPTs go out together; replies are read in order afterwards.
            if (reset) Append("RSET");
            Append(mailCommand);
            var first = Math.Min(recipients.Count, Math.Max(1, _options.PipelineBatchSize - 2));
            for (var i = 0; i < first; i++) Append(RcptCommand(recipients[i]));
            await FlushAsync("sending MAIL FROM", _options.CommandTimeout, ct);
            if (reset) await ReadAsync("sending RSET", _options.CommandTimeout, ct);
            mailReply = await ReadAsync("sending MAIL FROM", _options.CommandTimeout, ct);
            for (var i = 0; i < first; i++) RecordRcpt(i, await ReadAsync("sending RCPT TO", _options.CommandTimeout, ct));
            for (var start = first; start < recipients.Count; start += _options.PipelineBatchSize)
            {
                var end = Math.Min(recipients.Count, start + Math.Max(1, _options.PipelineBatchSize));
                for (var i = start; i < end; i++) Append(RcptCommand(recipients[i]));
                await FlushAsync("sending RCPT TO", _options.CommandTimeout, ct);
                for (var i = start; i < end; i++) RecordRcpt(i, await ReadAsync("sending RCPT TO", _options.CommandTimeout, ct));
            }
        }
        else
        {
            if (reset) await CommandAsync("RSET", "sending RSET", _options.CommandTimeout, ct);
            mailReply = await CommandAsync(mailCommand, "sending MAIL FROM", _options.CommandTimeout, ct);
            if (mailReply.IsSuccess)
                for (var i = 0; i < recipients.Count; i++)
                    RecordRcpt(i, await CommandAsync(RcptCommand(recipients[i]), "sending RCPT TO", _options.CommandTimeout, ct));
        }

        if (!mailReply.IsSuccess)
        {
            // The RCPT replies (if pipelined) were read above and mean nothing without MAIL: the MAIL reply decides.
            for (var i = 0; i < results.Length; i++) results[i] = mailReply.ToResult(recipients[i], RemoteHost);
            return;
        }
        if (accepted.Count == 0) return;

        var dataReply = await CommandAsync("DATA", "sending DATA", _options.CommandTimeout, ct);
        if (dataReply.Code != 354)
        {
            var refusal = dataReply.IsPositive ? new SmtpResponse(451, "4.5.0", [$"unexpected reply to DATA: {dataReply}"]) : dataReply;
            foreach (var i in accepted) results[i] = refusal.ToResult(recipients[i], RemoteHost);
            if (dataReply.IsPositive) Break(); // the server's idea of the state is unknowable
            return;
        }

        await WriteBodyAsync(message.Content, ct);
        if (_options.Lmtp)
        {
            // RFC 2033 section 4.2: one reply per accepted recipient, in RCPT order.
            foreach (var i in accepted)
            {
                var reply = await ReadAsync("sending end of data -- message may be sent more than once", _options.DataTimeout, ct);
                results[i] = reply.ToResult(recipients[i], RemoteHost);
            }
        }
        else
        {
            var reply = await ReadAsync("sending end of data -- message may be sent more than once", _options.DataTimeout, ct);
            foreach (var i in accepted) results[i] = reply.ToResult(recipients[i], RemoteHost);
        }

        void RecordRcpt(int index, SmtpResponse reply)
        {
            if (!mailReply.IsSuccess) return;
            if (reply.IsSuccess) accepted.Add(index);
            else results[index] = reply.ToResult(recipients[index], RemoteHost);
        }
    }

    private string MailCommand(OutboundMessage message)
    {
        var command = new StringBuilder("MAIL FROM:<").Append(Unbracket(message.Sender)).Append('>');
        if (Capabilities.MaxSize is not null || Capabilities.Keywords.Contains("SIZE")) command.Append(" SIZE=").Append(message.Content.Length);
        if (Capabilities.EightBitMime && message.Content.Span.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0) command.Append(" BODY=8BITMIME");
        if (message.RequiresSmtpUtf8 && Capabilities.SmtpUtf8) command.Append(" SMTPUTF8");
        return command.ToString();
    }

    private static string RcptCommand(string recipient) => $"RCPT TO:<{Unbracket(recipient)}>";

    private static string Unbracket(string address) =>
        address.Length >= 2 && address[0] == '<' && address[^1] == '>' ? address[1..^1] : address;

    /// <summary>The content, with a '.' added to every line that starts with '.', then (CRLF) ".CRLF".</summary>
    private async Task WriteBodyAsync(ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        const string stage = "sending message body";
        var position = 0;
        var lineStart = true;
        while (position < content.Length)
        {
            (position, lineStart) = AppendStuffed(content.Span, position, lineStart, _out, BodyChunkSize);
            if (_out.WrittenCount >= BodyChunkSize) await FlushAsync(stage, _options.DataTimeout, ct);
        }
        if (!content.Span.EndsWith(Crlf)) _out.Write(Crlf);
        _out.Write(EndOfData);
        await FlushAsync(stage, _options.DataTimeout, ct);
    }

    /// <summary>Copies whole lines from <paramref name="position"/> until <paramref name="output"/> holds at least <paramref name="limit"/> bytes.</summary>
    internal static (int Position, bool LineStart) AppendStuffed(ReadOnlySpan<byte> content, int position, bool lineStart, IBufferWriter<byte> output, int limit)
    {
        var written = 0;
        while (position < content.Length && written < limit)
        {
            if (lineStart && content[position] == (byte)'.')
            {
                output.Write("."u8);
                written++;
            }
            var rest = content[position..];
            var newline = rest.IndexOf(Crlf);
            var length = newline < 0 ? rest.Length : newline + 2;
            output.Write(rest[..length]);
            written += length;
            position += length;
            lineStart = newline >= 0;
        }
        return (position, lineStart);
    }

    /// <summary>
    /// Sends NOOP and reports whether the connection still works. Servers drop idle connections (RFC 5321
    /// section 4.5.3.2.7 suggests 5 minutes), so a caller reusing one after a pause should probe first and
    /// reconnect on false, rather than have the next message deferred for a stale connection.
    /// </summary>
    public async Task<bool> ProbeAsync(CancellationToken ct = default)
    {
        if (!IsUsable) return false;
        try
        {
            var reply = await CommandAsync("NOOP", "sending NOOP", _options.CommandTimeout, ct);
            return reply.IsSuccess;
        }
        catch (SmtpConversationException)
        {
            return false;
        }
    }

    /// <summary>Sends QUIT, waits briefly for the reply, and closes. Never throws for network trouble.</summary>
    public async Task QuitAsync(CancellationToken ct = default)
    {
        if (!_broken)
        {
            try
            {
                await CommandAsync("QUIT", "sending QUIT", _options.CommandTimeout < TimeSpan.FromSeconds(10) ? _options.CommandTimeout : TimeSpan.FromSeconds(10), ct);
            }
            catch (SmtpConversationException) { }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        }
        Break();
    }

    /// <summary>Closes the connection without QUIT; call <see cref="QuitAsync"/> first for a polite goodbye.</summary>
    public ValueTask DisposeAsync()
    {
        Break();
        return ValueTask.CompletedTask;
    }

    private async Task TryQuitAsync()
    {
        try
        {
            Append("QUIT");
            await FlushAsync("sending QUIT", TimeSpan.FromSeconds(5), CancellationToken.None);
        }
        catch (SmtpConversationException) { }
    }

    private void Break()
    {
        if (_broken) return;
        _broken = true;
        try { _stream.Dispose(); } catch { /* closing anyway */ }
        _socket.Dispose();
    }

    private void Append(string command)
    {
        var bytes = Encoding.UTF8.GetByteCount(command);
        Encoding.UTF8.GetBytes(command, _out.GetSpan(bytes + 2));
        _out.Advance(bytes);
        _out.Write(Crlf);
    }

    private async Task<SmtpResponse> CommandAsync(string command, string stage, TimeSpan timeout, CancellationToken ct)
    {
        Append(command);
        await FlushAsync(stage, timeout, ct);
        return await ReadAsync(stage, timeout, ct);
    }

    private async Task FlushAsync(string stage, TimeSpan timeout, CancellationToken ct)
    {
        if (_broken) { _out.Clear(); throw Conversation("4.4.2", $"lost connection with {Who} while {stage}"); }
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            await _stream.WriteAsync(_out.WrittenMemory, timer.Token);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw Failed(e, stage, timeout);
        }
        finally
        {
            _out.Clear();
        }
    }

    private async Task<SmtpResponse> ReadAsync(string stage, TimeSpan timeout, CancellationToken ct)
    {
        if (_broken) throw Conversation("4.4.2", $"lost connection with {Who} while {stage}");
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        SmtpResponse reply;
        try
        {
            reply = await _reader.ReadReplyAsync(timer.Token);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw Failed(e, stage, timeout);
        }
        LastActivity = DateTimeOffset.UtcNow;
        // 421 after the greeting: the server is closing the channel (RFC 5321 section 3.8); every open recipient gets it.
        if (reply.Code == 421 && Banner is not null)
        {
            Break();
            throw new SmtpConversationException(reply.ToFailure(RemoteHost));
        }
        return reply;
    }

    private SmtpConversationException Failed(Exception e, string stage, TimeSpan timeout) => e switch
    {
        OperationCanceledException => Conversation("4.4.2", $"conversation with {Who} timed out after {timeout.TotalSeconds:0.###}s while {stage}", e),
        InvalidDataException => Conversation("4.5.0", $"protocol error with {Who} while {stage}: {e.Message}", e),
        _ => Conversation("4.4.2", $"lost connection with {Who} while {stage}", e),
    };

    private SmtpConversationException Conversation(string enhanced, string diagnostic, Exception? inner = null)
    {
        Break();
        return new SmtpConversationException(DeliveryFailure.Deferred(enhanced, diagnostic, RemoteHost), inner);
    }

    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "Connection refused",
        SocketError.TimedOut => "Connection timed out",
        SocketError.HostUnreachable => "No route to host",
        SocketError.NetworkUnreachable => "Network is unreachable",
        _ => e.Message,
    };
}
