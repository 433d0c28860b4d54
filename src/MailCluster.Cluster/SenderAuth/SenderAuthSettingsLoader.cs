using System.Net;
using MailCluster.Cluster.Hosting;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Cluster.SenderAuth;

public static class SenderAuthSettingsLoader
{
    public static SenderAuthSettings Load(ConfigReader root, string hostName)
    {
        var id = root.String("sender-auth.authserv-id");
        if (id.Length == 0) id = hostName;
        else if (!MailPathParser.TryNormalizeDomain(id, out _)) root.Error("sender-auth.authserv-id", $"'{id}' is not a host name");
        var max = root.PositiveInt("sender-auth.max-signatures", 5);
        // The key lookups go where delivery's lookups go unless told otherwise: one place to point a node at its resolver.
        var serverKey = root.StringList("sender-auth.dns.servers").Count > 0 ? "sender-auth.dns.servers" : "delivery.dns.servers";
        var servers = new List<IPEndPoint>();
        foreach (var text in root.StringList(serverKey))
        {
            if (IPEndPoint.TryParse(text, out var endpoint)) servers.Add(endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, 53) : endpoint);
            else root.Error(serverKey, $"'{text}' is not address[:port]");
        }
        return new SenderAuthSettings(root.Bool("sender-auth.enabled", true), id, root.Bool("sender-auth.dkim-verify", true), max, servers,
            root.PositiveDuration("sender-auth.dns.timeout", TimeSpan.FromSeconds(2)), root.PositiveInt("sender-auth.dns.attempts", 2));
    }
}
