using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace MailCluster.TestSupport;

/// <summary>
/// A fake remote MX on 127.0.0.1 for tests and benchmarks: ESMTP (or LMTP) with PIPELINING, optional
/// STARTTLS, scriptable replies (<see cref="SmtpSinkOptions"/>), and a thread-safe record of every accepted
/// message (envelope + octets after un-dot-stuffing) and command line. Serves any number of concurrent
/// connections; can stop and restart listening on the same port.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    /// <summary>Hook result: never answer (the connection hangs until the client gives up or the sink stops).</summary>
    public const string Stall = "\u0000stall";

    /// <summary>Hook result: close the connection at once, without a reply.</summary>
    public const string Disconnect = "\u0000disconnect";

    private readonly object _gate = new();
    private readonly List<SinkMessage> _messages = new();
    private readonly List<(int Count, TaskCompletionSource<IReadOnlyList<SinkMessage>> Done)> _waiters = new();
    private readonly ConcurrentQueue<SinkCommand> _commands = new();
    private readonly ConcurrentDictionary<int, SinkSession> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    /// <summary>While not listening: the port, bound and not listening, so nobody else takes it.</summary>
    private Socket? _reserved;
    private Task _acceptLoop = Task.CompletedTask;
    private int _connectionCount, _dataEnds, _rejectedMessages, _peakConnections;

    private SmtpSink(SmtpSinkOptions options) => Options = options;

    public SmtpSinkOptions Options { get; }

    public IPEndPoint Endpoint { get; private set; } = new(IPAddress.Loopback, 0);

    public int Port => Endpoint.Port;

    /// <summary>Connections accepted so far (all time).</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Connections open right now.</summary>
    public int ActiveConnections => _sessions.Count;

    /// <summary>The most connections that were open at the same time since the sink started: what a concurrency limit caps.</summary>
    public int PeakConnections => Volatile.Read(ref _peakConnections);

    /// <summary>Final dots seen (accepted or not).</summary>
    public int DataEndCount => Volatile.Read(ref _dataEnds);

    /// <summary>Final dots answered with a non-2xx reply (SMTP), or with no 2xx recipient (LMTP).</summary>
    public int RejectedMessageCount => Volatile.Read(ref _rejectedMessages);

    public int MessageCount { get { lock (_gate) return _messages.Count; } }

    /// <summary>Snapshot of the accepted messages in acceptance order.</summary>
    public IReadOnlyList<SinkMessage> Messages { get { lock (_gate) return _messages.ToArray(); } }

    /// <summary>Snapshot of every command line received, in arrival order.</summary>
    public IReadOnlyList<SinkCommand> Commands => _commands.ToArray();

    public bool IsListening { get { lock (_gate) return _listener is not null; } }

    public static SmtpSink Start(SmtpSinkOptions? options = null)
    {
        var sink = new SmtpSink(options ?? new SmtpSinkOptions());
        sink.Listen(sink.Options.Port);
        return sink;
    }

    /// <summary>Stops accepting connections (clients get "connection refused"; the port stays reserved for StartListening). Open connections continue unless <paramref name="dropConnections"/>.</summary>
    public async Task StopListeningAsync(bool dropConnections = false)
    {
        Socket? listener;
        Task loop;
        lock (_gate)
        {
            listener = _listener;
            _listener = null;
            loop = _acceptLoop;
        }
        listener?.Dispose();
        await loop;
        // The port stays ours, bound but not listening (connections to it are refused): another process on the
        // machine (a parallel test's node, a PostgreSQL) could otherwise take it before StartListening.
        lock (_gate)
        {
            if (_listener is null && _reserved is null)
            {
                var reserved = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try { reserved.Bind(new IPEndPoint(IPAddress.Loopback, Port)); _reserved = reserved; }
                catch (SocketException) { reserved.Dispose(); }
            }
        }
        if (dropConnections) DropConnections();
    }

    /// <summary>Listens again on the same port as before.</summary>
    public void StartListening()
    {
        if (IsListening) return;
        Socket? reserved;
        lock (_gate) { reserved = _reserved; _reserved = null; }
        Listen(Port, reserved);
    }

    /// <summary>Closes every open connection abruptly.</summary>
    public void DropConnections()
    {
        foreach (var session in _sessions.Values) session.Abort();
    }

    /// <summary>Starts counting <see cref="PeakConnections"/> afresh from the connections open now.</summary>
    public void ResetPeakConnections() => Volatile.Write(ref _peakConnections, _sessions.Count);

    /// <summary>Forgets recorded messages and commands (counters are kept).</summary>
    public void Clear()
    {
        lock (_gate) _messages.Clear();
        _commands.Clear();
    }

    /// <summary>Waits until at least <paramref name="count"/> messages were accepted; returns the snapshot then. Throws <see cref="TimeoutException"/>.</summary>
    public async Task<IReadOnlyList<SinkMessage>> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        TaskCompletionSource<IReadOnlyList<SinkMessage>> done;
        lock (_gate)
        {
            if (_messages.Count >= count) return _messages.ToArray();
            done = new TaskCompletionSource<IReadOnlyList<SinkMessage>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
        }
        try
        {
            return await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate) _waiters.RemoveAll(w => w.Done == done);
            throw new TimeoutException($"SmtpSink: {MessageCount} of {count} messages after {timeout}.");
        }
    }

    internal void Record(SinkMessage message)
    {
        List<TaskCompletionSource<IReadOnlyList<SinkMessage>>>? ready = null;
        SinkMessage[]? snapshot = null;
        lock (_gate)
        {
            _messages.Add(message);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Count > _messages.Count) continue;
                (ready ??= new()).Add(_waiters[i].Done);
                _waiters.RemoveAt(i);
            }
            if (ready is not null) snapshot = _messages.ToArray();
        }
        if (ready is not null) foreach (var tcs in ready) tcs.TrySetResult(snapshot!);
    }

    internal void RecordCommand(int connectionId, string line)
    {
        if (Options.RecordCommands) _commands.Enqueue(new SinkCommand(connectionId, line));
    }

    internal int NextDataEnd() => Interlocked.Increment(ref _dataEnds);

    internal void CountRejected() => Interlocked.Increment(ref _rejectedMessages);

    private void Listen(int port, Socket? alreadyBound = null)
    {
        var listener = alreadyBound ?? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Restarting on the same port must work while old connections sit in TIME_WAIT.
            // (.NET sets SO_REUSEADDR on Unix listeners by default; asking for ReuseAddress would add SO_REUSEPORT.)
            if (alreadyBound is null) listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        lock (_gate)
        {
            _listener = listener;
            Endpoint = (IPEndPoint)listener.LocalEndPoint!;
            _acceptLoop = Task.Run(() => AcceptLoopAsync(listener));
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            socket.NoDelay = true;
            var id = Interlocked.Increment(ref _connectionCount);
            var session = new SinkSession(this, id, socket, _stopping.Token);
            _sessions[id] = session;
            var open = _sessions.Count;
            for (var peak = Volatile.Read(ref _peakConnections); open > peak; peak = Volatile.Read(ref _peakConnections))
                if (Interlocked.CompareExchange(ref _peakConnections, open, peak) == peak) break;
            session.Completion = Task.Run(async () =>
            {
                try { await session.RunAsync(); }
                finally { _sessions.TryRemove(id, out _); }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await StopListeningAsync(dropConnections: true);
        lock (_gate) { _reserved?.Dispose(); _reserved = null; }
        await Task.WhenAll(_sessions.Values.Select(s => s.Completion));
        lock (_gate)
        {
            foreach (var (_, done) in _waiters) done.TrySetException(new ObjectDisposedException(nameof(SmtpSink)));
            _waiters.Clear();
        }
    }
}
