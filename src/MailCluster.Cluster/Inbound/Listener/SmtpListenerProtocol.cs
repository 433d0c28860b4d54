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
}
