using System.Net;
using MailCluster.Cluster.Hosting;
using MailCluster.Core.Delivery.Client;

namespace MailCluster.Cluster.Delivery;

public static class DeliverySettingsLoader
{
    public static DeliverySettings Load(ConfigReader root, string dataDir, string hostName)
    {
        var maildir = root.String("delivery.maildir-root");
        var helo = root.String("delivery.smtp.helo-name");
        var port = root.PositiveInt("delivery.smtp.port", 25);
        if (port > 65535) root.Error("delivery.smtp.port", "must be a TCP port (1-65535)");
        var tlsText = root.String("delivery.smtp.tls", "opportunistic");
        if (!Enum.TryParse<SmtpTlsMode>(tlsText, ignoreCase: true, out var tls))
            root.Error("delivery.smtp.tls", $"'{tlsText}' is not one of opportunistic, required, disabled");
        var servers = new List<IPEndPoint>();
        foreach (var text in root.StringList("delivery.dns.servers"))
        {
            if (IPEndPoint.TryParse(text, out var ep)) servers.Add(ep.Port == 0 ? new IPEndPoint(ep.Address, 53) : ep);
            else root.Error("delivery.dns.servers", $"'{text}' is not an address[:port]");
        }
        return new DeliverySettings(
            maildir.Length > 0 ? maildir : Path.Combine(dataDir, "maildir"),
            helo.Length > 0 ? helo : hostName,
            port,
            tls,
            root.PositiveDuration("delivery.smtp.connect-timeout", TimeSpan.FromSeconds(30)),
            root.PositiveDuration("delivery.smtp.command-timeout", TimeSpan.FromMinutes(5)),
            root.PositiveDuration("delivery.smtp.data-timeout", TimeSpan.FromMinutes(10)),
            servers,
            root.PositiveDuration("delivery.dns.timeout", TimeSpan.FromSeconds(5)),
            root.PositiveInt("delivery.dns.attempts", 2));
    }
}
