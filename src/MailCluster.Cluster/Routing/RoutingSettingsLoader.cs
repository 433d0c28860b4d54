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
        foreach (var (domain, value) in root.Map("routing.transports"))
            {
                var text = HoconShape.IsText(value) ? value.GetString() ?? "" : "";
                if (NextHop.TryParseRoute(text, out var hop, out var error)) routes.Add(new(domain, hop));
                else root.Error($"routing.transports.\"{domain}\"", error);
            }

        var defaultRoute = Route(root, "routing.default-route");
        var localTransport = Route(root, "routing.local-transport");

        var aliases = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        // Shapes are checked (and reported) by PolicySettingsLoader; here the well-formed ones are taken.
        foreach (var (alias, value) in root.Quiet().Map("local-recipients.aliases"))
        {
            if (HoconShape.IsText(value)) aliases.Add(new(alias, [value.GetString() ?? ""]));
            else if (HoconShape.IsList(value) && value.GetArray().All(HoconShape.IsText))
                aliases.Add(new(alias, value.GetArray().Select(v => v.GetString() ?? "").ToList()));
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
