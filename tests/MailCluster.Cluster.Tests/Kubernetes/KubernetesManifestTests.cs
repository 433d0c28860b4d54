using System.Text.RegularExpressions;
using Akka.Configuration;
using MailCluster.Cluster.Hosting;
using MailCluster.Cluster.Hosting.Discovery;
using YamlDotNet.RepresentationModel;

namespace MailCluster.Cluster.Tests.Kubernetes;

/// <summary>
/// ops/kubernetes/ cannot run here, so its manifests are checked offline: they parse, their labels and ports agree,
/// the probes and budget are the intended ones, and the ConfigMap's HOCON loads. kubectl is not used: even
/// `apply --dry-run=client` asks an API server for the live object.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "ops-kubernetes");

    private static readonly string[] Expected =
        ["statefulset.yaml", "service-headless.yaml", "service-smtp.yaml", "pdb.yaml", "configmap.yaml"];

    private static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Dir, file));
        stream.Load(reader);
        return stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode)).ToList();
    }

    private static YamlMappingNode Single(string file, string kind) =>
        Assert.Single(Documents(file), d => Str(d, "kind") == kind);

    private static YamlNode? Get(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var child)) return null;
            node = child;
        }
        return node;
    }

    private static string? Str(YamlNode node, params string[] path) => (Get(node, path) as YamlScalarNode)?.Value;
    private static YamlMappingNode Map(YamlNode node, params string[] path) => Assert.IsType<YamlMappingNode>(Get(node, path));
    private static YamlSequenceNode Seq(YamlNode node, params string[] path) => Assert.IsType<YamlSequenceNode>(Get(node, path));

    private static Dictionary<string, string> Labels(YamlMappingNode map) =>
        map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!);

    private static YamlMappingNode StatefulSet => Single("statefulset.yaml", "StatefulSet");
    private static YamlMappingNode Container => Assert.IsType<YamlMappingNode>(Assert.Single(Seq(StatefulSet, "spec", "template", "spec", "containers")));

    public static TheoryData<string> Files() => new(Expected);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_manifest_parses_and_has_apiVersion_kind_and_name(string file)
    {
        var docs = Documents(file);
        Assert.NotEmpty(docs);
        foreach (var doc in docs)
        {
            Assert.False(string.IsNullOrEmpty(Str(doc, "apiVersion")), file);
            Assert.False(string.IsNullOrEmpty(Str(doc, "kind")), file);
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", Str(doc, "metadata", "name") ?? "");
        }
    }

    [Fact]
    public void No_unexpected_manifest_is_left_unchecked()
    {
        Assert.Equal(Expected.Order(), Directory.GetFiles(Dir, "*.yaml").Select(Path.GetFileName).Order()!);
    }

    [Fact]
    public void Labels_and_selectors_agree()
    {
        var set = StatefulSet;
        var podLabels = Labels(Map(set, "spec", "template", "metadata", "labels"));
        var selector = Labels(Map(set, "spec", "selector", "matchLabels"));
        Assert.All(selector, kv => Assert.Equal(kv.Value, podLabels.GetValueOrDefault(kv.Key)));

        foreach (var file in new[] { "service-headless.yaml", "service-smtp.yaml" })
        {
            var serviceSelector = Labels(Map(Single(file, "Service"), "spec", "selector"));
            Assert.NotEmpty(serviceSelector);
            Assert.All(serviceSelector, kv => Assert.Equal(kv.Value, podLabels.GetValueOrDefault(kv.Key)));
        }
        var pdbSelector = Labels(Map(Single("pdb.yaml", "PodDisruptionBudget"), "spec", "selector", "matchLabels"));
        Assert.Equal(selector, pdbSelector);

    }

    [Fact]
    public void The_statefulset_runs_three_parallel_pods_on_the_headless_service()
    {
        var spec = Map(StatefulSet, "spec");
        Assert.Equal("3", Str(spec, "replicas"));
        Assert.Equal("Parallel", Str(spec, "podManagementPolicy"));
        Assert.Equal(Str(Single("service-headless.yaml", "Service"), "metadata", "name"), Str(spec, "serviceName"));
        Assert.Equal("60", Str(spec, "template", "spec", "terminationGracePeriodSeconds"));
    }

    [Fact]
    public void Ports_match_the_services_and_the_configmap()
    {
        var ports = Seq(Container, "ports").Cast<YamlMappingNode>().ToDictionary(p => Str(p, "name")!, p => Str(p, "containerPort")!);
        Assert.Equal(new Dictionary<string, string> { ["smtp"] = "2525", ["remoting"] = "4053", ["admin"] = "8025" }, ports);

        var smtp = Assert.IsType<YamlMappingNode>(Assert.Single(Seq(Single("service-smtp.yaml", "Service"), "spec", "ports")));
        Assert.Equal("25", Str(smtp, "port"));
        Assert.Equal("smtp", Str(smtp, "targetPort"));

        var headless = Single("service-headless.yaml", "Service");
        Assert.Equal("None", Str(headless, "spec", "clusterIP"));
        Assert.Equal("true", Str(headless, "spec", "publishNotReadyAddresses"));
        foreach (YamlMappingNode port in Seq(headless, "spec", "ports")) Assert.Contains(Str(port, "targetPort")!, ports.Keys);

        var settings = LoadConfigMap(PodEnvironment);
        Assert.Equal(int.Parse(ports["remoting"]), settings.Node.Cluster.Port);
        Assert.Equal(int.Parse(ports["smtp"]), Assert.Single(settings.Node.Listeners).Endpoint.Port);
        Assert.Equal(int.Parse(ports["admin"]), settings.Node.Admin!.Endpoint.Port);
        // Every seed is a pod of this StatefulSet under the headless service, on the remoting port.
        var service = Str(headless, "metadata", "name");
        Assert.Equal(Enumerable.Range(0, 3).Select(i => $"akka.tcp://mailcluster@mailcluster-{i}.{service}:{ports["remoting"]}"),
            settings.Node.Cluster.SeedNodes);
    }

    [Fact]
    public void Probes_use_the_admin_health_endpoints()
    {
        Assert.Equal("/health/ready", Str(Container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("admin", Str(Container, "readinessProbe", "httpGet", "port"));
        Assert.Equal("/health/live", Str(Container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("admin", Str(Container, "livenessProbe", "httpGet", "port"));
    }

    [Fact]
    public void The_environment_comes_from_the_pod_name_and_the_secrets()
    {
        var env = Seq(Container, "env").Cast<YamlMappingNode>().ToDictionary(e => Str(e, "name")!);
        Assert.Equal("metadata.name", Str(env["POD_NAME"], "valueFrom", "fieldRef", "fieldPath"));
        // Kubernetes expands $(POD_NAME) because POD_NAME is defined before it.
        Assert.Equal("$(POD_NAME).mailcluster", Str(env["MAILCLUSTER_CLUSTER_HOSTNAME"], "value"));
        Assert.True(env.Keys.ToList().IndexOf("POD_NAME") < env.Keys.ToList().IndexOf("MAILCLUSTER_CLUSTER_HOSTNAME"));
        Assert.NotNull(Str(env["MAILCLUSTER_DB"], "valueFrom", "secretKeyRef", "name"));
        Assert.NotNull(Str(env["MAILCLUSTER_ADMIN_TOKEN"], "valueFrom", "secretKeyRef", "name"));

        // Every ${?VAR} of the ConfigMap's HOCON is either set on the container or an optional extra.
        var used = EnvReference().Matches(ConfigMapHocon).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Superset(new HashSet<string> { "MAILCLUSTER_CLUSTER_HOSTNAME", "MAILCLUSTER_DB", "MAILCLUSTER_ADMIN_TOKEN" }, used);
        Assert.All(used.Where(v => v != "MAILCLUSTER_HOSTNAME"), v => Assert.Contains(v, env.Keys));
    }

    [Fact]
    public void The_pdb_keeps_a_majority_of_the_replicas()
    {
        var minAvailable = int.Parse(Str(Single("pdb.yaml", "PodDisruptionBudget"), "spec", "minAvailable")!);
        var replicas = int.Parse(Str(StatefulSet, "spec", "replicas")!);
        Assert.True(minAvailable >= 2, $"minAvailable {minAvailable}");
        Assert.Equal(3, replicas);
        Assert.True(minAvailable > replicas / 2, "keep-majority needs a majority up");
    }

    [Fact]
    public void The_configmap_hocon_loads_with_the_pod_environment()
    {
        var (node, discovery, problems) = LoadConfigMap(PodEnvironment);
        Assert.Empty(problems);
        Assert.False(discovery.IsKubernetes);
        Assert.Equal("0.0.0.0", node.Cluster.Hostname);
        Assert.Equal(3, node.Cluster.SeedNodes.Count);
        // Seeds on PostgreSQL: a restarted mailcluster-0 cannot form a second cluster while the others run.
        Assert.True(node.UsesFormationLease);
        Assert.True(node.Storage.IsPostgres);
        Assert.Equal("Host=db;Database=mailcluster", node.Storage.PostgresConnectionString);
        Assert.Equal("s3cret", node.Admin!.Token);
    }

    [Fact]
    public void The_configmap_hocon_parses_as_the_node_does_and_only_misses_the_secrets()
    {
        // MailClusterConfig.Parse resolves ${?VAR} from this process's environment, where none of them is set:
        // the unset lines are dropped, and the only errors left are what the Secrets would provide.
        var user = MailClusterConfig.Parse(ConfigMapHocon, "configmap.yaml");
        var layered = MailClusterConfig.Layer(user);
        var (_, problems) = NodeSettingsLoader.TryLoad(layered, user);
        var errors = problems.Where(p => p.Severity == ProblemSeverity.Error).Select(p => p.Path).ToHashSet();
        var expected = new[] { ("MAILCLUSTER_DB", "mailcluster.storage.postgresql.connection-string"), ("MAILCLUSTER_ADMIN_TOKEN", "mailcluster.admin.token") }
            .Where(v => Environment.GetEnvironmentVariable(v.Item1) is null).Select(v => v.Item2).ToHashSet();
        Assert.Equal(expected, errors);
    }

    private static readonly Dictionary<string, string> PodEnvironment = new()
    {
        ["POD_NAME"] = "mailcluster-0",
        ["MAILCLUSTER_CLUSTER_HOSTNAME"] = "mailcluster-0.mailcluster",
        ["MAILCLUSTER_DB"] = "Host=db;Database=mailcluster",
        ["MAILCLUSTER_ADMIN_TOKEN"] = "s3cret",
    };

    private static string ConfigMapHocon =>
        Str(Single("configmap.yaml", "ConfigMap"), "data", "mailcluster.conf") ?? throw new InvalidOperationException("no mailcluster.conf");

    private static (NodeSettings Node, DiscoverySettings Discovery, List<ConfigProblem> Problems) LoadConfigMap(Dictionary<string, string> env)
    {
        var hocon = ConfigMapHocon;
        Assert.Empty(HoconSyntaxCheck.Find(hocon, "configmap.yaml"));
        var user = ConfigurationFactory.ParseString(EnvironmentSubstitution.Apply(hocon, "configmap.yaml", env.GetValueOrDefault));
        var layered = MailClusterConfig.Layer(user);
        var (node, problems) = NodeSettingsLoader.TryLoad(layered, user);
        var all = problems.ToList();
        var discovery = DiscoverySettingsLoader.Load(layered, new ConfigReader(layered, "mailcluster", all), env.GetValueOrDefault);
        Assert.True(node is not null, string.Join("\n", all));
        return (node, discovery, all);
    }

    [GeneratedRegex(@"\$\{\??([A-Z_][A-Z0-9_]*)\}")]
    private static partial Regex EnvReference();
}
