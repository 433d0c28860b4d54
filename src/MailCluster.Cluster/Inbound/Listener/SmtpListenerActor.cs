using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Event;
using MailCluster.Cluster.Inbound.Connection;
using MailCluster.Smtp.Protocol;
using MailCluster.Smtp.Transport;
using static MailCluster.Cluster.Inbound.Listener.SmtpListenerProtocol;

namespace MailCluster.Cluster.Inbound.Listener;

/// <summary>
/// Accepts TCP connections on one bound socket and spawns one <see cref="SmtpConnectionActor"/> per session.
/// The socket is bound before the actor starts, so a bad or busy endpoint fails node startup with a clear error.
/// A failing session is stopped, never restarted: its socket state cannot be recovered.
/// </summary>
public sealed class SmtpListenerActor : ReceiveActor
{
    private readonly Socket _listenSocket;
    private readonly ListenerSettings _settings;
    private readonly InboundServices _services;
    private readonly IPEndPoint _boundEndpoint;
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<IActorRef, IPAddress> _sessionClients = new();
    private readonly Dictionary<IPAddress, int> _sessionsPerClient = new();
    private readonly ListenerLoad _load;
    private int ActiveSessionCount => _sessionClients.Count;

    private bool _draining;

    public static Props Props(Socket boundSocket, ListenerSettings settings, InboundServices services) =>
        Akka.Actor.Props.Create(() => new SmtpListenerActor(boundSocket, settings, services));

    public SmtpListenerActor(Socket boundSocket, ListenerSettings settings, InboundServices services)
    {
        _listenSocket = boundSocket;
        _settings = settings;
        _services = services;
        _boundEndpoint = (IPEndPoint)boundSocket.LocalEndPoint!;
        _load = new ListenerLoad(settings.MaxConnections, settings.StressThreshold);

        Receive<ConnectionAccepted>(OnAccepted);
        Receive<Terminated>(t => SessionEnded(t.ActorRef));
        Receive<GetActiveSessions>(_ => Sender.Tell(new ActiveSessions(_settings.Name, _boundEndpoint, ActiveSessionCount)));
        Receive<StopAccepting>(_ => CloseListeningSocket());
        Receive<Drain>(_ =>
        {
            _draining = true;
            foreach (var session in Context.GetChildren()) session.Tell(new ShuttingDown());
        });
    }

    /// <summary>Pending connections the kernel queues before this actor accepts them.</summary>
    public const int Backlog = 1024;

    /// <summary>
    /// Binds, without listening: the port is the node's from here on, but the kernel completes no handshake until
    /// the host calls Listen (with <see cref="Backlog"/>), which it does once every other endpoint and the node are up.
    /// </summary>
    public static Socket Bind(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            socket.Bind(endpoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        _log.Info("listener {0} accepting on {1}", _settings.Name, _boundEndpoint);
        var self = Self;
        var token = _stopAccepting.Token;
        _ = Task.Run(() => AcceptLoopAsync(self, token));
    }

    protected override void PostStop() => CloseListeningSocket();

    private async Task AcceptLoopAsync(IActorRef self, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            try
            {
                var socket = await _listenSocket.AcceptAsync(token);
                self.Tell(new ConnectionAccepted(socket));
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException) { return; }
            catch (SocketException) { await Task.Delay(10, CancellationToken.None); } // e.g. EMFILE: back off, keep serving
        }
    }

    private void OnAccepted(ConnectionAccepted accepted)
    {
        var socket = accepted.Socket;
        if (socket.RemoteEndPoint is not IPEndPoint remote) { socket.Dispose(); return; }
        if (_draining)
        {
            _ = RefuseAsync(socket, Replies.ShuttingDown(_settings.Limits.HostName));
            return;
        }
        if (ActiveSessionCount >= _settings.MaxConnections)
        {
            _log.Warning("connection from [{0}] refused: {1} sessions active on {2}", remote.Address, ActiveSessionCount, _settings.Name);
            _ = RefuseAsync(socket, new SmtpReply(421, "4.7.0", "Too many connections, try again later"));
            return;
        }
        var client = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        var fromClient = _sessionsPerClient.GetValueOrDefault(client);
        // Trusted networks are exempt, as with Postfix's smtpd_client_connection_limit_exceptions = $mynetworks.
        if (fromClient >= _settings.MaxConnectionsPerIp && _settings.PerIpLimitExceptions?.Contains(client) != true)
        {
            _log.Warning("connection from [{0}] refused: {1} sessions from that address on {2}", client, fromClient, _settings.Name);
            _ = RefuseAsync(socket, Replies.TooManyConnectionsFromIp);
            return;
        }
        var wire = new SmtpWire(socket);
        _load.SessionOpened(); // before the session starts, so its first wait already sees itself counted
        var session = Context.ActorOf(SmtpConnectionActor.Props(wire, remote, _settings, _services, _load));
        Context.Watch(session);
        _sessionClients[session] = client;
        _sessionsPerClient[client] = fromClient + 1;
    }

    private void SessionEnded(IActorRef session)
    {
        if (!_sessionClients.Remove(session, out var client)) return;
        _load.SessionClosed();
        if (--_sessionsPerClient[client] == 0) _sessionsPerClient.Remove(client);
    }

    private static async Task RefuseAsync(Socket socket, SmtpReply reply)
    {
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(reply.ToWire()));
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException) { }
        finally { socket.Dispose(); }
    }

    private void CloseListeningSocket()
    {
        if (_stopAccepting.IsCancellationRequested) return;
        _stopAccepting.Cancel();
        _listenSocket.Dispose();
    }
}
