using System.Net;
using MailCluster.Cluster.Hosting;

namespace MailCluster.Cluster.Admin;

/// <summary>Reads mailcluster.admin. An API reachable from the network without a token would hand out the queues.</summary>
public static class AdminSettingsLoader
{
    public static AdminSettings Load(ConfigReader root)
    {
        var enabled = root.Bool("admin.enabled", true);
        var endpoint = root.Endpoint("admin.endpoint") ?? AdminSettings.Default.Endpoint;
        var token = root.String("admin.token");
        if (enabled && !IPAddress.IsLoopback(endpoint.Address) && token.Length == 0)
            root.Error("admin.token", $"required when admin.endpoint ({endpoint}) is not a loopback address");
        var allowedHosts = root.StringList("admin.allowed-hosts");
        foreach (var host in allowedHosts)
            if (host.Length == 0 || host.Contains(':') || host.Contains('/') || host.Contains(' ') || host == "*")
                root.Error("admin.allowed-hosts", $"'{host}' is not a host name (no port, scheme, path or wildcard)");
        var history = root.PositiveDuration("admin.history-interval", TimeSpan.FromSeconds(10));
        if (history > TimeSpan.FromMinutes(5)) root.Error("admin.history-interval", $"{history} leaves the one-hour charts with too few points (at most 5m)");
        return new AdminSettings(enabled, endpoint, token, allowedHosts) { HistoryInterval = history };
    }
}
