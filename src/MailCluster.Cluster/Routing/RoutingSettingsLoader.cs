using Akka.Configuration;
using MailCluster.Cluster.Hosting;
using MailCluster.Core.Routing;

namespace MailCluster.Cluster.Routing;

/// <summary>Builds the routing table from local-domains, relay-domains, local-recipients.aliases and mailcluster.routing.</summary>
public static class RoutingSettingsLoader
{
    public static RoutingTable? Load(Config config, ConfigReader root, IReadOnlyList<string> localDomains)
    {
        var routes = new List<KeyValuePair<string, NextHop>>();
        const string transports = "mailcluster.routing.transports";
        if (config.HasPath(transports))
            foreach (var (domain, value) in config.GetConfig(transports).Root.GetObject().Items)
            {
                var text = value.IsString() ? value.GetString() : "";
                if (NextHop.TryParseRoute(text, out var hop, out var error)) routes.Add(new(domain, hop));
                else root.Error($"routing.transports.\"{domain}\"", error);
            }

        var defaultRoute = Route(root, "routing.default-route");
        var localTransport = Route(root, "routing.local-transport");

        var aliases = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        const string aliasPath = "mailcluster.local-recipients.aliases";
        if (config.HasPath(aliasPath))
            foreach (var (alias, value) in config.GetConfig(aliasPath).Root.GetObject().Items)
            {
                var targets = value.IsArray() ? value.GetArray().Select(v => v.GetString()).ToList() : [value.GetString()];
                aliases.Add(new(alias, targets));
            }

        try
        {
            return new RoutingTable(localDomains, root.StringList("relay-domains"), routes, defaultRoute, new AliasTable(aliases),
                localTransport);
        }
        catch (ArgumentException ex)
        {
            root.Error("routing", ex.Message);
            return null;
        }
    }

    private static NextHop? Route(ConfigReader root, string key)
    {
        var text = root.String(key);
        if (text.Length == 0) return null;
        if (NextHop.TryParseRoute(text, out var hop, out var error)) return hop;
        root.Error(key, error);
        return null;
    }
}
