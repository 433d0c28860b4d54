using System.Net;
using System.Net.Sockets;

namespace MailCluster.TestSupport;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a real server (e.g. an <see cref="SmtpSink"/>) that passes the client's
/// octets on at <see cref="BytesPerSecond"/> (null: at full speed) and the server's replies at full speed: a remote
/// MX that accepts one byte a second. The proxy's small receive buffer means the client's writes soon block, as they
/// would against a real slow peer. The throttle can be lifted while connections are open.
/// </summary>
public sealed class ThrottlingProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private int _active, _maxActive, _connections;
    private long _forwarded;
    private volatile int _bytesPerSecond;

    private ThrottlingProxy(IPEndPoint target, int? bytesPerSecond)
    {
        _target = target;
        BytesPerSecond = bytesPerSecond;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public static ThrottlingProxy Start(IPEndPoint target, int? bytesPerSecond) => new(target, bytesPerSecond);

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Client-to-server rate in octets per second; null lifts the throttle for every connection at once.</summary>
    public int? BytesPerSecond
    {
        get => _bytesPerSecond > 0 ? _bytesPerSecond : null;
        set => _bytesPerSecond = value ?? 0;
    }

    public int ConnectionCount => Volatile.Read(ref _connections);
    public int ActiveConnections => Volatile.Read(ref _active);
    public int MaxActiveConnections => Volatile.Read(ref _maxActive);
    /// <summary>Client octets passed on to the server so far.</summary>
    public long BytesForwarded => Interlocked.Read(ref _forwarded);

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptAsync(_stopping.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(Socket client)
    {
        Interlocked.Increment(ref _connections);
        var active = Interlocked.Increment(ref _active);
        for (var max = _maxActive; active > max; max = _maxActive)
            if (Interlocked.CompareExchange(ref _maxActive, active, max) == max) break;
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        try
        {
            client.ReceiveBufferSize = 4096;
            await server.ConnectAsync(_target, done.Token);
            var up = PumpAsync(client, server, throttled: true, done.Token);
            var down = PumpAsync(server, client, throttled: false, done.Token);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        finally
        {
            await done.CancelAsync();
            client.Dispose();
            Interlocked.Decrement(ref _active);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool throttled, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var rate = throttled ? _bytesPerSecond : 0;
                var n = await from.ReceiveAsync(buffer.AsMemory(0, rate > 0 ? 1 : buffer.Length), SocketFlags.None, ct);
                if (n == 0) break;
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, ct);
                if (throttled) Interlocked.Add(ref _forwarded, n);
                if (rate > 0) await Task.Delay(TimeSpan.FromSeconds(1.0 / rate), ct);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
    }
}
