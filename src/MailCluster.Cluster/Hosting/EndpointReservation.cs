using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using MailCluster.Cluster.Inbound.Listener;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// Every TCP endpoint the node will listen on, bound before any of them listens: the SMTP listeners (kept bound, and
/// made to listen by their actors only once everything else is up), the admin HTTP API with /metrics, Akka remoting
/// and the Kubernetes management port (each bound here, then released just before its owner binds it). A conflict on
/// any of them fails the start with every conflicting endpoint's config path, while nothing accepts connections yet,
/// so a client never gets a 220 from a node that is about to exit.
/// </summary>
public sealed class EndpointReservation : IDisposable
{
    private readonly Dictionary<string, Socket> _smtp;
    private readonly Dictionary<string, Socket> _probes;

    private EndpointReservation(Dictionary<string, Socket> smtp, Dictionary<string, Socket> probes)
    {
        _smtp = smtp;
        _probes = probes;
    }

    public const string Admin = "admin";
    public const string Remoting = "remoting";
    public const string Management = "management";

    /// <summary>The bound (not yet listening) socket of each SMTP listener, by listener name.</summary>
    public IReadOnlyDictionary<string, Socket> Smtp => _smtp;

    /// <param name="akka">The actor system's final config, for the remoting address actually used.</param>
    /// <param name="userLayer">The user's files, to key a remoting conflict by the key the user set.</param>
    public static EndpointReservation Bind(NodeSettings settings, Config akka, Config? userLayer)
    {
        var problems = new List<ConfigProblem>();
        var smtp = new Dictionary<string, Socket>();
        var probes = new Dictionary<string, Socket>();

        if (settings.Cluster.IsIngress) // a queue-only node runs no SMTP listeners
            foreach (var listener in settings.Listeners)
                if (TryBind(listener.Endpoint, $"mailcluster.smtp.listeners.{listener.Name}.endpoint", problems) is { } s)
                    smtp[listener.Name] = s;

        if (settings.Admin is { Enabled: true, Endpoint.Port: > 0 } admin
            && TryBind(admin.Endpoint, "mailcluster.admin.endpoint", problems) is { } adminSocket)
            probes[Admin] = adminSocket;

        if (RemotingEndpoint(akka) is { } remoting)
        {
            var path = userLayer?.HasPath("akka.remote.dot-netty.tcp.port") == true ? "akka.remote.dot-netty.tcp.port" : "mailcluster.cluster.port";
            if (TryBind(remoting, path, problems) is { } s) probes[Remoting] = s;
        }

        if (settings.Discovery is { IsKubernetes: true } discovery && IPAddress.TryParse(discovery.ManagementBindHostname, out var mgmt)
            && TryBind(new IPEndPoint(mgmt, discovery.ManagementPort), "mailcluster.cluster.discovery.kubernetes.management-port", problems) is { } m)
            probes[Management] = m;

        var reservation = new EndpointReservation(smtp, probes);
        if (problems.Count == 0) return reservation;
        reservation.Dispose();
        throw new ConfigValidationException(problems);
    }

    /// <summary>Lets go of a probed endpoint right before its owner (Kestrel, Akka) binds it.</summary>
    public void Release(string name)
    {
        if (_probes.Remove(name, out var socket)) socket.Dispose();
    }

    /// <summary>Hands an SMTP socket to its listener actor, which then owns (and closes) it.</summary>
    public Socket TakeSmtp(string name)
    {
        _smtp.Remove(name, out var socket);
        return socket ?? throw new InvalidOperationException($"listener {name} has no bound socket");
    }

    /// <summary>Only a fixed port on an address literal can be checked; port 0 or a host name is left to Akka.</summary>
    private static IPEndPoint? RemotingEndpoint(Config akka)
    {
        const string tcp = "akka.remote.dot-netty.tcp";
        // Akka.NET's DotNetty transport listens on hostname:port (public-hostname/public-port are only advertised).
        var port = akka.GetInt($"{tcp}.port", 0);
        var host = akka.GetString($"{tcp}.hostname", "");
        if (port is <= 0 or > 65535) return null;
        if (host is "localhost") host = "127.0.0.1";
        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : null;
    }

    private static Socket? TryBind(IPEndPoint endpoint, string path, List<ConfigProblem> problems)
    {
        try { return SmtpListenerActor.Bind(endpoint); }
        catch (SocketException ex)
        {
            problems.Add(new ConfigProblem(ProblemSeverity.Error, path, $"cannot listen on {endpoint}: {ex.Message}"));
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var socket in _smtp.Values.Concat(_probes.Values)) socket.Dispose();
        _smtp.Clear();
        _probes.Clear();
    }
}
