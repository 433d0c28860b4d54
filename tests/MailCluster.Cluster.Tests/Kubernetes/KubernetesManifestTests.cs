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
        ["statefulset.yaml", "service-headless.yaml", "service-smtp.yaml", "pdb.yaml", "configmap.yaml", "rbac.yaml"];

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

        // Cluster Bootstrap lists pods with the ConfigMap's pod-label-selector: it must select these pods.
        var (key, value) = ("app", "mailcluster");
        var discovery = LoadConfigMap(PodEnvironment).Discovery;
        Assert.Equal($"{key}={value}", discovery.PodLabelSelector);
        Assert.Equal(value, podLabels[key]);
    }

    [Fact]
    public void The_statefulset_runs_three_parallel_pods_on_the_headless_service()
    {
        var spec = Map(StatefulSet, "spec");
        Assert.Equal("3", Str(spec, "replicas"));
        Assert.Equal("Parallel", Str(spec, "podManagementPolicy"));
        Assert.Equal(Str(Single("service-headless.yaml", "Service"), "metadata", "name"), Str(spec, "serviceName"));
        Assert.Equal("60", Str(spec, "template", "spec", "terminationGracePeriodSeconds"));
        Assert.Equal("mailcluster", Str(spec, "template", "spec", "serviceAccountName"));
        Assert.Equal("mailcluster", Str(Single("rbac.yaml", "ServiceAccount"), "metadata", "name"));
    }

    [Fact]
    public void Ports_match_the_services_and_the_configmap()
    {
        var ports = Seq(Container, "ports").Cast<YamlMappingNode>().ToDictionary(p => Str(p, "name")!, p => Str(p, "containerPort")!);
        Assert.Equal(new Dictionary<string, string> { ["smtp"] = "2525", ["remoting"] = "4053", ["management"] = "8558", ["admin"] = "8025" }, ports);
        Assert.Equal(KubernetesDiscovery.ManagementPortName, ports.Keys.Single(k => ports[k] == "8558"));

        var smtp = Assert.IsType<YamlMappingNode>(Assert.Single(Seq(Single("service-smtp.yaml", "Service"), "spec", "ports")));
        Assert.Equal("25", Str(smtp, "port"));
        Assert.Equal("smtp", Str(smtp, "targetPort"));

        var headless = Single("service-headless.yaml", "Service");
        Assert.Equal("None", Str(headless, "spec", "clusterIP"));
        Assert.Equal("true", Str(headless, "spec", "publishNotReadyAddresses"));
        foreach (YamlMappingNode port in Seq(headless, "spec", "ports")) Assert.Contains(Str(port, "targetPort")!, ports.Keys);

        var settings = LoadConfigMap(PodEnvironment);
        Assert.Equal(int.Parse(ports["remoting"]), settings.Node.Cluster.Port);
        Assert.Equal(int.Parse(ports["management"]), settings.Discovery.ManagementPort);
        Assert.Equal(int.Parse(ports["smtp"]), Assert.Single(settings.Node.Listeners).Endpoint.Port);
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
    public void The_environment_comes_from_the_downward_api_and_the_secret()
    {
        var env = Seq(Container, "env").Cast<YamlMappingNode>().ToDictionary(e => Str(e, "name")!);
        Assert.Equal("metadata.namespace", Str(env["POD_NAMESPACE"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("status.podIP", Str(env["POD_IP"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.NotNull(Str(env["MAILCLUSTER_DB"], "valueFrom", "secretKeyRef", "name"));

        // Every ${?VAR} of the ConfigMap's HOCON is either set on the container or an optional extra.
        var used = EnvReference().Matches(ConfigMapHocon).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Superset(new HashSet<string> { "POD_IP", "MAILCLUSTER_DB" }, used);
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
    public void Rbac_lets_the_service_account_read_pods()
    {
        var rule = Assert.IsType<YamlMappingNode>(Assert.Single(Seq(Single("rbac.yaml", "Role"), "rules")));
        Assert.Equal(["pods"], Seq(rule, "resources").Select(n => ((YamlScalarNode)n).Value!));
        Assert.Equal(["get", "list", "watch"], Seq(rule, "verbs").Select(n => ((YamlScalarNode)n).Value!));
        var binding = Single("rbac.yaml", "RoleBinding");
        Assert.Equal(Str(Single("rbac.yaml", "Role"), "metadata", "name"), Str(binding, "roleRef", "name"));
        var subject = Assert.Single(Seq(binding, "subjects"));
        Assert.Equal("mailcluster", Str(subject, "name"));
    }

    [Fact]
    public void The_configmap_hocon_loads_with_the_pod_environment()
    {
        var (node, discovery, problems) = LoadConfigMap(PodEnvironment);
        Assert.Empty(problems);
        Assert.True(discovery.IsKubernetes);
        Assert.Equal("mail", discovery.Namespace);
        Assert.Equal(3, discovery.RequiredContactPoints);
        Assert.Equal("10.244.1.7", node.Cluster.Hostname);
        Assert.Empty(node.Cluster.SeedNodes);
        Assert.True(node.Storage.IsPostgres);
        Assert.Equal("Host=db;Database=mailcluster", node.Storage.PostgresConnectionString);
    }

    [Fact]
    public void The_configmap_hocon_parses_as_the_node_does_and_only_misses_the_secret()
    {
        // MailClusterConfig.Parse resolves ${?VAR} from this process's environment, where none of them is set:
        // the unset lines are dropped, and the only error left is the database the Secret would provide.
        var user = MailClusterConfig.Parse(ConfigMapHocon, "configmap.yaml");
        var layered = MailClusterConfig.Layer(user);
        var (_, problems) = NodeSettingsLoader.TryLoad(layered, user);
        var errors = problems.Where(p => p.Severity == ProblemSeverity.Error).Select(p => p.Path).ToList();
        if (Environment.GetEnvironmentVariable("MAILCLUSTER_DB") is null)
            Assert.Equal(["mailcluster.storage.postgresql.connection-string"], errors);
        else
            Assert.Empty(errors);
    }

    private static readonly Dictionary<string, string> PodEnvironment = new()
    {
        ["POD_IP"] = "10.244.1.7",
        ["POD_NAMESPACE"] = "mail",
        ["POD_NAME"] = "mailcluster-0",
        ["MAILCLUSTER_DB"] = "Host=db;Database=mailcluster",
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
