using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace MailCluster.TestSupport;

/// <summary>One connection to the <see cref="SmtpSink"/>: reads commands, answers (batched while pipelined input is pending).</summary>
internal sealed class SinkSession
{
    private readonly SmtpSink _sink;
    private readonly SmtpSinkOptions _options;
    private readonly int _id;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _abort;
    private readonly ArrayBufferWriter<byte> _out = new(1024);
    private Stream _stream;
    private readonly SinkReader _reader;
    private string? _helo;
    private bool _tls;
    private SinkTransaction? _transaction;

    private sealed class CloseConnection : Exception;

    public Task Completion { get; set; } = Task.CompletedTask;

    public SinkSession(SmtpSink sink, int id, Socket socket, CancellationToken stopping)
    {
        _sink = sink;
        _options = sink.Options;
        _id = id;
        _socket = socket;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new SinkReader(_stream);
    }

    public void Abort()
    {
        try { _abort.Cancel(); } catch (ObjectDisposedException) { }
        try { _socket.Dispose(); } catch (ObjectDisposedException) { }
    }

    public async Task RunAsync()
    {
        var ct = _abort.Token;
        try
        {
            await ReplyAsync(_options.BannerReply?.Invoke(_id) ?? $"220 {_options.HostName} {(_options.Lmtp ? "LMTP" : "ESMTP")} sink", ct);
            await FlushAsync(ct);
            while (true)
            {
                var line = await _reader.ReadLineAsync(ct);
                if (line is null) return;
                _sink.RecordCommand(_id, line);
                if (!await HandleAsync(line, ct)) return;
                // Pipelining: answer in one write once the client's batch is used up.
                if (!_reader.HasBuffered) await FlushAsync(ct);
            }
        }
        catch (CloseConnection) { }
        catch (InvalidDataException)
        {
            try { await ReplyAsync("500 5.5.2 Line too long", ct); await FlushAsync(ct); } catch { /* closing anyway */ }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException
                                  or System.Security.Authentication.AuthenticationException) { }
        finally
        {
            try { await _stream.DisposeAsync(); } catch { /* closing anyway */ }
            _socket.Dispose();
            _abort.Dispose();
        }
    }

    /// <returns>False when the session ends (QUIT).</returns>
    private async Task<bool> HandleAsync(string line, CancellationToken ct)
    {
        var space = line.IndexOf(' ');
        var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        var argument = space < 0 ? "" : line[(space + 1)..].Trim();
        switch (verb)
        {
            case "EHLO" or "HELO" when !_options.Lmtp:
            case "LHLO" when _options.Lmtp:
                _transaction = null;
                var custom = verb == "HELO" ? null : _options.EhloReply?.Invoke(argument);
                if (custom is null) { _helo = argument; await ReplyAsync(verb == "HELO" ? $"250 {_options.HostName}" : Capabilities(), ct); }
                else
                {
                    if (custom.StartsWith('2')) _helo = argument;
                    await ReplyAsync(custom, ct);
                }
                return true;
            case "STARTTLS" when _options.StartTls && !_tls:
                await ReplyAsync("220 2.0.0 Ready to start TLS", ct);
                await FlushAsync(ct);
                _reader.Discard(); // RFC 3207 section 6: nothing sent before the handshake counts
                var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _options.Certificate ?? SelfSignedCertificate.SinkTest,
                }, ct);
                _stream = ssl;
                _reader.Stream = ssl;
                _tls = true;
                _helo = null;
                _transaction = null;
                return true;
            case "MAIL":
                await MailAsync(argument, ct);
                return true;
            case "RCPT":
                await RcptAsync(argument, ct);
                return true;
            case "DATA":
                await DataAsync(ct);
                return true;
            case "RSET":
                _transaction = null;
                await ReplyAsync("250 2.0.0 Ok", ct);
                return true;
            case "NOOP":
                await ReplyAsync("250 2.0.0 Ok", ct);
                return true;
            case "VRFY":
                await ReplyAsync("252 2.0.0 Send some mail, I'll try my best", ct);
                return true;
            case "QUIT":
                await ReplyAsync("221 2.0.0 Bye", ct);
                await FlushAsync(ct);
                return false;
            default:
                await ReplyAsync("502 5.5.2 Error: command not recognized", ct);
                return true;
        }
    }

    private string Capabilities()
    {
        var lines = new List<string> { _options.HostName };
        if (_options.Pipelining) lines.Add("PIPELINING");
        lines.Add(_options.MaxSize is { } max ? $"SIZE {max}" : "SIZE");
        if (_options.StartTls && !_tls) lines.Add("STARTTLS");
        if (_options.EnhancedStatusCodes) lines.Add("ENHANCEDSTATUSCODES");
        if (_options.EightBitMime) lines.Add("8BITMIME");
        if (_options.SmtpUtf8) lines.Add("SMTPUTF8");
        return string.Join('\n', lines.Select((l, i) => (i == lines.Count - 1 ? "250 " : "250-") + l));
    }

    private async Task MailAsync(string argument, CancellationToken ct)
    {
        if (_helo is null) { await ReplyAsync($"503 5.5.1 Error: send {(_options.Lmtp ? "LHLO" : "HELO/EHLO")} first", ct); return; }
        if (_transaction is not null) { await ReplyAsync("503 5.5.1 Error: nested MAIL command", ct); return; }
        if (!TryPath(argument, "FROM:", out var from, out var parameters)) { await ReplyAsync("501 5.5.4 Syntax: MAIL FROM:<address>", ct); return; }
        var size = parameters.FirstOrDefault(p => p.StartsWith("SIZE=", StringComparison.OrdinalIgnoreCase));
        if (_options.MaxSize is { } max && size is not null && long.TryParse(size[5..], out var declared) && declared > max)
        {
            await ReplyAsync("552 5.3.4 Message size exceeds fixed limit", ct);
            return;
        }
        var transaction = new SinkTransaction { ConnectionId = _id, HeloName = _helo, IsTls = _tls, MailFrom = from, MailParameters = parameters };
        var reply = _options.MailReply?.Invoke(transaction) ?? "250 2.1.0 Ok";
        if (reply.StartsWith('2')) _transaction = transaction;
        await ReplyAsync(reply, ct);
    }

    private async Task RcptAsync(string argument, CancellationToken ct)
    {
        if (_transaction is null) { await ReplyAsync("503 5.5.1 Error: need MAIL command", ct); return; }
        if (!TryPath(argument, "TO:", out var to, out _) || to.Length == 0) { await ReplyAsync("501 5.5.4 Syntax: RCPT TO:<address>", ct); return; }
        var reply = _options.RcptReply?.Invoke(_transaction, to) ?? "250 2.1.5 Ok";
        if (reply.StartsWith('2')) _transaction.Recipients.Add(to);
        await ReplyAsync(reply, ct);
    }

    private async Task DataAsync(CancellationToken ct)
    {
        if (_transaction is null) { await ReplyAsync("503 5.5.1 Error: need RCPT command", ct); return; }
        if (_transaction.Recipients.Count == 0) { await ReplyAsync("554 5.5.1 Error: no valid recipients", ct); return; }
        var go = _options.DataReply?.Invoke(_transaction) ?? "354 End data with <CR><LF>.<CR><LF>";
        await ReplyAsync(go, ct);
        if (!go.StartsWith('3')) return;
        await FlushAsync(ct);

        var content = _options.KeepContent || _options.MaxSize is not null ? new MemoryStream() : null;
        if (!await _reader.ReadDataAsync(content, ct)) throw new CloseConnection();
        var transaction = _transaction;
        _transaction = null;
        transaction.Content = _options.KeepContent ? content!.ToArray() : [];
        transaction.Sequence = _sink.NextDataEnd();

        if (_options.MaxSize is { } max && content!.Length > max)
        {
            _sink.CountRejected();
            foreach (var _ in _options.Lmtp ? transaction.Recipients : ["one"])
                await ReplyAsync("552 5.3.4 Message size exceeds fixed limit", ct);
            return;
        }

        if (_options.Lmtp)
        {
            var delivered = new List<string>();
            foreach (var recipient in transaction.Recipients)
            {
                var reply = _options.LmtpRecipientReply?.Invoke(transaction, recipient) ?? $"250 2.1.5 <{recipient}> delivered";
                if (reply.StartsWith('2')) delivered.Add(recipient);
                await ReplyAsync(reply, ct);
            }
            if (delivered.Count > 0) _sink.Record(ToMessage(transaction, delivered));
            else _sink.CountRejected();
        }
        else
        {
            var reply = _options.DataEndReply?.Invoke(transaction) ?? $"250 2.0.0 Ok: queued as S{transaction.Sequence}";
            // Record before replying, so a client that saw 250 always finds the message recorded.
            if (reply.StartsWith('2')) _sink.Record(ToMessage(transaction, transaction.Recipients.ToArray()));
            else _sink.CountRejected();
            await ReplyAsync(reply, ct);
        }
    }

    private SinkMessage ToMessage(SinkTransaction t, IReadOnlyList<string> recipients) =>
        new(_id, t.HeloName, t.MailFrom, t.MailParameters, recipients, t.Content ?? [], t.IsTls, t.Sequence);

    /// <summary>"FROM:&lt;a@b&gt; SIZE=1" → "a@b", ["SIZE=1"]. Lenient about a space after the colon.</summary>
    private static bool TryPath(string argument, string prefix, out string address, out IReadOnlyList<string> parameters)
    {
        address = "";
        parameters = [];
        if (!argument.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        var rest = argument[prefix.Length..].TrimStart();
        if (!rest.StartsWith('<')) return false;
        var close = rest.IndexOf('>');
        if (close < 0) return false;
        address = rest[1..close];
        parameters = rest[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return true;
    }

    /// <summary>Queues a reply (lines separated by '\n'); handles <see cref="SmtpSink.Stall"/> and <see cref="SmtpSink.Disconnect"/>.</summary>
    private async Task ReplyAsync(string reply, CancellationToken ct)
    {
        if (reply == SmtpSink.Disconnect) throw new CloseConnection();
        if (reply == SmtpSink.Stall)
        {
            // Say nothing more; swallow whatever arrives until the client gives up and closes.
            await FlushAsync(ct);
            var scratch = new byte[4096];
            while (await _stream.ReadAsync(scratch, ct) > 0) { }
            throw new CloseConnection();
        }
        foreach (var line in reply.Split('\n'))
        {
            var text = line.TrimEnd('\r');
            var count = Encoding.UTF8.GetByteCount(text);
            var span = _out.GetSpan(count + 2);
            Encoding.UTF8.GetBytes(text, span);
            span[count] = (byte)'\r';
            span[count + 1] = (byte)'\n';
            _out.Advance(count + 2);
        }
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        if (_out.WrittenCount == 0) return;
        await _stream.WriteAsync(_out.WrittenMemory, ct);
        _out.Clear();
    }
}
