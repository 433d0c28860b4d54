using System.Net;
using System.Net.Sockets;

namespace MailCluster.Cluster.Inbound.Listener;

public static class SmtpListenerProtocol
{
    /// <summary>Internal: the accept loop hands a new client socket to the listener actor.</summary>
    internal sealed record ConnectionAccepted(Socket Socket);

    public sealed record GetActiveSessions;
    public sealed record ActiveSessions(string Listener, IPEndPoint Endpoint, int Count);

    /// <summary>Stop accepting: the listening socket is closed; sessions in progress carry on.</summary>
    public sealed record StopAccepting;

    /// <summary>
    /// Graceful shutdown: new connections get 421 4.3.2, idle sessions are closed with it, and sessions in the middle
    /// of DATA finish their message (and get 421 at their next command).
    /// </summary>
    public sealed record Drain;

    /// <summary>To each session when its listener drains.</summary>
    public sealed record ShuttingDown;
}
