using Akka.Configuration;

namespace MailCluster.Cluster.Hosting.Discovery;

/// <summary>
/// mailcluster.cluster.discovery: how a node finds the others. "config" joins cluster.seed-nodes (or forms a cluster
/// of one); "kubernetes" starts Akka.Management and Cluster Bootstrap, which find the peer pods through the Kubernetes
/// API and form or join the cluster themselves (see <see cref="KubernetesDiscovery"/>).
/// </summary>
/// <param name="Namespace">Namespace whose pods are listed; null means the service account's namespace file.</param>
public sealed record DiscoverySettings(
    string Method,
    string PodLabelSelector,
    string? Namespace,
    int ManagementPort,
    string ManagementBindHostname,
    int RequiredContactPoints)
{
    public const string ConfigMethod = "config";
    public const string KubernetesMethod = "kubernetes";

    /// <summary>The defaults of reference.conf: discovery through cluster.seed-nodes.</summary>
    public static DiscoverySettings Default { get; } = new(ConfigMethod, "app=mailcluster", null, 8558, "0.0.0.0", 3);

    public bool IsKubernetes => Method == KubernetesMethod;
}

/// <summary>Reads and validates mailcluster.cluster.discovery; problems go to the reader under their full HOCON path.</summary>
public static class DiscoverySettingsLoader
{
    private const string Base = "cluster.discovery";

    /// <param name="config">The layered config (unused today; kept like the other section loaders).</param>
    /// <param name="root">A reader at "mailcluster".</param>
    public static DiscoverySettings Load(Config config, ConfigReader root) => Load(config, root, Environment.GetEnvironmentVariable);

    internal static DiscoverySettings Load(Config config, ConfigReader root, Func<string, string?> environment)
    {
        _ = config;
        var d = root.Sub(Base);
        var defaults = DiscoverySettings.Default;
        var method = d.String("method", defaults.Method);
        if (method is not (DiscoverySettings.ConfigMethod or DiscoverySettings.KubernetesMethod))
        {
            d.Error("method", $"'{method}' is not config (cluster.seed-nodes) or kubernetes (Akka.Management Cluster Bootstrap)");
            method = defaults.Method;
        }

        var k = d.Sub("kubernetes");
        var selector = k.String("pod-label-selector", defaults.PodLabelSelector).Trim();
        if (selector.Length == 0) k.Error("pod-label-selector", "must not be empty: it selects this cluster's pods, e.g. \"app=mailcluster\"");

        var ns = k.String("namespace").Trim();
        if (ns.Length == 0) ns = environment("POD_NAMESPACE")?.Trim() ?? "";

        var port = k.Int("management-port", defaults.ManagementPort);
        if (port is < 1 or > 65535) { k.Error("management-port", $"must be a TCP port (1-65535), got {port}"); port = defaults.ManagementPort; }

        var bind = k.String("management-bind-hostname", defaults.ManagementBindHostname).Trim();
        if (bind.Length == 0) k.Error("management-bind-hostname", "must not be empty (\"0.0.0.0\" binds every interface)");

        var required = k.PositiveInt("required-contact-points", defaults.RequiredContactPoints);
        if (method == DiscoverySettings.KubernetesMethod) CheckKubernetes(root, k, required);

        return new DiscoverySettings(method, selector, ns.Length == 0 ? null : ns, port, bind, required);
    }

    /// <summary>Combinations that cannot work with Cluster Bootstrap: it picks the seeds, and every pod shares one database.</summary>
    private static void CheckKubernetes(ConfigReader root, ConfigReader k, int required)
    {
        if (root.StringList("cluster.seed-nodes").Count > 0)
            root.Error("cluster.seed-nodes", "must be empty with cluster.discovery.method = kubernetes: Cluster Bootstrap finds the seed nodes");
        if (root.String("storage.provider", "sqlite") == "sqlite")
            root.Error("storage.provider", "sqlite is a single-node store; cluster.discovery.method = kubernetes needs storage.provider = postgresql");
        if (required < 3)
            k.Warning("required-contact-points", $"{required}: a new cluster may form from fewer than 3 pods (a partial cluster at rollout); " +
                                                 "set it to the StatefulSet's replicas");
        var host = root.String("cluster.hostname", "127.0.0.1");
        if (host is "127.0.0.1" or "localhost" or "::1" or "")
            root.Warning("cluster.hostname", $"'{host}' is not reachable from other pods; set hostname = ${{?POD_IP}}");
    }
}
