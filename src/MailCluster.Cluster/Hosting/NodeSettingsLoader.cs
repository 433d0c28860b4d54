using System.Net;
using Akka.Configuration;
using MailCluster.Cluster.Admin;
using MailCluster.Cluster.Inbound.Listener;
using MailCluster.Cluster.Policy;
using MailCluster.Cluster.Delivery;
using MailCluster.Cluster.Logging;
using MailCluster.Cluster.Queue;
using MailCluster.Cluster.Routing;
using MailCluster.Smtp.Protocol;
using MailCluster.Smtp.Session;
using MailCluster.Smtp.Transport;

namespace MailCluster.Cluster.Hosting;

/// <summary>Reads and validates mailcluster.* from a layered config. Collects every problem before failing.</summary>
public static class NodeSettingsLoader
{
    public static (NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems) TryLoad(Config config, Config? userLayer = null)
    {
        var problems = new List<ConfigProblem>();
        if (userLayer is not null) problems.AddRange(UnknownKeys.Find(userLayer, MailClusterConfig.Reference));
        // A scalar where a block belongs would make the loaders below throw: report it and read no further.
        var shape = ConfigShape.Find(config);
        if (shape.Count > 0) return (null, [.. problems, .. shape]);
        var root = new ConfigReader(config, "mailcluster", problems);

        var hostName = root.String("hostname");
        if (hostName.Length == 0) hostName = Dns.GetHostName();
        else if (!MailPathParser.TryNormalizeDomain(hostName, out _)) root.Error("hostname", $"'{hostName}' is not a valid host name");

        var dataDir = root.String("data-dir", "./data");
        if (dataDir.Length == 0) root.Error("data-dir", "must not be empty");

        var localDomains = ReadDomains(root);
        var tls = new TlsSettings(root.String("smtp.tls.certificate-path"), root.String("smtp.tls.certificate-password"),
            root.Bool("smtp.tls.generate-development-certificate", true));
        if (tls.CertificatePath.Length > 0 && !File.Exists(tls.CertificatePath))
            root.Error("smtp.tls.certificate-path", $"file '{tls.CertificatePath}' does not exist");

        var listeners = ReadListeners(config, root, hostName);
        var storage = ReadStorage(root, dataDir);
        var policy = PolicySettingsLoader.Load(config, root, localDomains, listeners.Select(l => l.Name));
        var policyTimeout = root.PositiveDuration("policy.timeout", TimeSpan.FromSeconds(10));
        var routing = RoutingSettingsLoader.Load(config, root, localDomains);
        var queue = QueueSettingsLoader.Load(config, root, localDomains, hostName);
        var delivery = DeliverySettingsLoader.Load(root, dataDir, hostName);
        var cluster = ReadCluster(root);
        var discovery = Discovery.DiscoverySettingsLoader.Load(config, root);
        CheckStorageFitsCluster(root, storage, cluster);
        var admin = AdminSettingsLoader.Load(root);
        var logging = LoggingSettings.Load(root);
        var passwordChecks = AuthSettingsLoader.ReadPasswordChecks(root);
        var dkim = Signing.DkimSettingsLoader.Load(root);
        var senderAuth = SenderAuth.SenderAuthSettingsLoader.Load(root, hostName);
        var tracing = Tracing.TracingSettingsLoader.Load(root);

        var errors = problems.Where(p => p.Severity == ProblemSeverity.Error).ToList();
        return errors.Count > 0
            ? (null, problems)
            : (new NodeSettings(hostName, dataDir, localDomains, listeners, tls, storage, policy, policyTimeout, routing!, queue,
                delivery, cluster, root.PositiveDuration("smtp.shutdown-grace", TimeSpan.FromSeconds(30)), discovery, admin, logging, passwordChecks)
                { Dkim = dkim, SenderAuth = senderAuth, Tracing = tracing }, problems);
    }

    public static NodeSettings Load(Config config, Config? userLayer = null)
    {
        var (settings, problems) = TryLoad(config, userLayer);
        return settings ?? throw new ConfigValidationException(problems);
    }

    private static IReadOnlyList<string> ReadDomains(ConfigReader root)
    {
        var domains = new List<string>();
        foreach (var raw in root.StringList("local-domains"))
        {
            if (MailPathParser.TryNormalizeDomain(raw, out var domain)) domains.Add(domain);
            else root.Error("local-domains", $"'{raw}' is not a valid domain");
        }
        return domains;
    }

    private static List<ListenerSettings> ReadListeners(Config config, ConfigReader root, string hostName)
    {
        var listeners = new List<ListenerSettings>();
        var entries = root.Map("smtp.listeners");
        if (entries.Count == 0 && !root.Problems.Any(p => p.Path == root.Full("smtp.listeners")))
            root.Error("smtp.listeners", "at least one listener is required");
        foreach (var (name, value) in entries)
        {
            if (!value.IsObject())
            {
                root.Error($"smtp.listeners.{name}", "a listener is an object such as { endpoint = \"0.0.0.0:25\" }");
                continue;
            }
            var l = root.Sub($"smtp.listeners.{name}");
            var endpoint = l.Endpoint("endpoint");
            // A listener's own limits/timeouts win; anything it does not set comes from smtp.limits / smtp.timeouts.
            string Pick(string key) => l.Has(key) ? $"smtp.listeners.{name}.{key}" : $"smtp.{key}";
            var limits = new SessionLimits(
                hostName,
                root.PositiveByteSize(Pick("limits.max-message-size"), 10 * 1024 * 1024),
                root.PositiveInt(Pick("limits.max-recipients"), 100),
                TlsAvailable: false,
                root.PositiveInt(Pick("limits.soft-error-limit"), 3),
                root.PositiveInt(Pick("limits.hard-error-limit"), 20),
                root.NonNegativeDuration(Pick("limits.error-delay"), TimeSpan.FromSeconds(1)),
                AuthEnabled: l.Bool("auth", true),
                AuthAllowPlaintext: l.Bool("auth-allow-plaintext", false));
            if (limits.HardErrorLimit <= limits.SoftErrorLimit)
                root.Error(Pick("limits.hard-error-limit"), "must be greater than soft-error-limit");
            var timeouts = new SmtpTimeouts(
                root.PositiveDuration(Pick("timeouts.command"), TimeSpan.FromMinutes(5)),
                root.PositiveDuration(Pick("timeouts.data"), TimeSpan.FromMinutes(3)),
                root.PositiveDuration(Pick("timeouts.tls-handshake"), TimeSpan.FromSeconds(30)));
            timeouts = ReadSlowClientTimeouts(root, Pick, timeouts);
            var maxConnections = root.PositiveInt(Pick("limits.max-connections"), 2000);
            var maxPerIp = root.PositiveInt(Pick("limits.max-connections-per-ip"), 50);
            var minDataRate = new DataRateLimit(root.NonNegativeInt(Pick("limits.min-data-rate"), 500),
                root.PositiveDuration(Pick("limits.min-data-rate-grace"), TimeSpan.FromSeconds(60)));
            if (endpoint is not null)
                listeners.Add(new ListenerSettings(name, endpoint, l.Bool("starttls", true), maxConnections, maxPerIp, limits, timeouts)
                {
                    StressThreshold = root.Fraction(Pick("limits.stress-threshold"), 0.8),
                    MinDataRate = minDataRate,
                    ImplicitTls = l.Bool("implicit-tls", false),
                });
        }
        return listeners;
    }

    /// <summary>The defences against clients that hold a session by being slow (slowloris).</summary>
    private static SmtpTimeouts ReadSlowClientTimeouts(ConfigReader root, Func<string, string> pick, SmtpTimeouts timeouts)
    {
        var underStress = root.PositiveDuration(pick("timeouts.command-under-stress"), TimeSpan.FromSeconds(10));
        if (underStress > timeouts.Command)
            root.Warning(pick("timeouts.command-under-stress"), $"is longer than timeouts.command ({timeouts.Command}), so stress changes nothing");
        return timeouts with
        {
            CommandLineDeadline = root.PositiveDuration(pick("timeouts.command-line-deadline"), TimeSpan.FromMinutes(1)),
            CommandUnderStress = underStress,
        };
    }

    private static ClusterSettings ReadCluster(ConfigReader root)
    {
        var port = root.Has("cluster.port") ? root.Int("cluster.port", 0) : 0;
        if (port is < 0 or > 65535) root.Error("cluster.port", "must be 0 (any free port) or a TCP port");
        var seeds = root.StringList("cluster.seed-nodes");
        foreach (var seed in seeds.Where(s => !s.StartsWith("akka.tcp://mailcluster@", StringComparison.Ordinal)))
            root.Error("cluster.seed-nodes", $"'{seed}' is not an address such as akka.tcp://mailcluster@10.0.0.1:4053");
        var roles = root.StringList("cluster.roles");
        if (roles.Count == 0) root.Error("cluster.roles", "a node needs at least one role: ingress, queue");
        foreach (var role in roles.Where(r => r is not (ClusterSettings.IngressRole or ClusterSettings.QueueRole)))
            root.Error("cluster.roles", $"'{role}' is not a role (ingress, queue)");
        var strategy = root.String("cluster.downing-strategy", "keep-majority");
        if (strategy is not ("keep-majority" or "keep-oldest"))
            root.Error("cluster.downing-strategy", $"'{strategy}' is not keep-majority or keep-oldest (auto-downing is never used)");
        if (seeds.Count is > 0 and < 3)
            root.Warning("cluster.seed-nodes", $"{seeds.Count} seed node(s): a cluster needs at least 3 members, or one crash can take it down " +
                                               "(keep-majority downs a lone survivor)");
        return new ClusterSettings(root.String("cluster.hostname", "127.0.0.1"), port, seeds, roles, strategy,
            root.PositiveDuration("cluster.stable-after", TimeSpan.FromSeconds(5)),
            root.PositiveDuration("cluster.down-removal-margin", TimeSpan.FromSeconds(2)))
        {
            FormationLease = new(root.Bool("cluster.formation-lease.enabled", true),
                root.PositiveDuration("cluster.formation-lease.ttl", Formation.FormationLeaseSettings.Default.Ttl)),
        };
    }

    /// <summary>SQLite is one node's file: several nodes would each have their own queues and spool, and lose mail on failover.</summary>
    private static void CheckStorageFitsCluster(ConfigReader root, StorageSettings storage, ClusterSettings cluster)
    {
        if (storage.Provider == "sqlite" && cluster.SeedNodes.Count > 1)
            root.Error("storage.provider", $"sqlite is a single-node store, but cluster.seed-nodes lists {cluster.SeedNodes.Count} nodes; " +
                                           "a cluster shares one PostgreSQL (storage.provider = postgresql)");
    }

    private static StorageSettings ReadStorage(ConfigReader root, string dataDir)
    {
        var provider = root.String("storage.provider", "sqlite");
        if (provider is not ("sqlite" or "postgresql")) root.Error("storage.provider", $"'{provider}' is not sqlite or postgresql");
        var postgres = root.String("storage.postgresql.connection-string");
        if (provider == "postgresql" && postgres.Length == 0)
            root.Error("storage.postgresql.connection-string", "required when storage.provider = postgresql (e.g. \"Host=db;Database=mailcluster;Username=mail\")");
        var path = root.String("storage.sqlite.path");
        if (path.Length == 0) path = Path.Combine(dataDir, "mailcluster.db");
        var journal = root.String("storage.sqlite.journal-path");
        if (journal.Length == 0) journal = Path.Combine(dataDir, "journal.db");
        return new StorageSettings(provider, path, journal,
            root.PositiveDuration("storage.sqlite.busy-timeout", TimeSpan.FromSeconds(5)),
            root.PositiveDuration("storage.write-timeout", TimeSpan.FromSeconds(30)),
            postgres, root.Bool("storage.auto-migrate", true),
            root.PositiveInt("storage.max-pending-writes", 256));
    }
}
