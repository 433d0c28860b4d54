using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using MailCluster.Cluster.Hosting;
using MailCluster.Cluster.Hosting.Discovery;

namespace MailCluster.Cluster.Tests.Discovery;

/// <summary>mailcluster.cluster.discovery: defaults, validation keyed by HOCON path, and the Akka config it derives.</summary>
public sealed class DiscoverySettingsTests
{
    private static (DiscoverySettings Settings, List<ConfigProblem> Problems) Load(string hocon, Func<string, string?>? env = null)
    {
        var config = MailClusterConfig.Layer(MailClusterConfig.Parse(hocon, "test.conf"));
        var problems = new List<ConfigProblem>();
        var settings = DiscoverySettingsLoader.Load(config, new ConfigReader(config, "mailcluster", problems), env ?? (_ => null));
        return (settings, problems);
    }

    private const string Kubernetes = """
        mailcluster.cluster.discovery.method = kubernetes
        mailcluster.cluster.hostname = "10.1.2.3"
        mailcluster.storage { provider = postgresql, postgresql.connection-string = "Host=db;Database=mailcluster" }
        """;

    [Fact]
    public void Defaults_are_seed_node_discovery_with_the_documented_kubernetes_values()
    {
        var (settings, problems) = Load("");
        Assert.Empty(problems);
        Assert.Equal(DiscoverySettings.Default, settings);
        Assert.Equal("config", settings.Method);
        Assert.False(settings.IsKubernetes);
        Assert.Equal("app=mailcluster", settings.PodLabelSelector);
        Assert.Null(settings.Namespace);
        Assert.Equal(8558, settings.ManagementPort);
        Assert.Equal(3, settings.RequiredContactPoints);
    }

    [Fact]
    public void The_public_loader_reads_the_same_defaults()
    {
        var config = MailClusterConfig.Layer(MailClusterConfig.Parse("", "test.conf"));
        var problems = new List<ConfigProblem>();
        var settings = DiscoverySettingsLoader.Load(config, new ConfigReader(config, "mailcluster", problems));
        Assert.Empty(problems);
        Assert.Equal("config", settings.Method);
    }

    [Fact]
    public void A_bad_method_is_an_error_naming_the_hocon_path()
    {
        var (settings, problems) = Load("mailcluster.cluster.discovery.method = consul");
        var problem = Assert.Single(problems);
        Assert.Equal(ProblemSeverity.Error, problem.Severity);
        Assert.Equal("mailcluster.cluster.discovery.method", problem.Path);
        Assert.Contains("'consul'", problem.Reason);
        Assert.Equal("config", settings.Method);
    }

    [Fact]
    public void Kubernetes_settings_are_read()
    {
        var (settings, problems) = Load(Kubernetes + """

            mailcluster.cluster.discovery.kubernetes {
              pod-label-selector = "app.kubernetes.io/name=mail"
              namespace = "mail-prod"
              management-port = 9558
              required-contact-points = 5
            }
            """);
        Assert.Empty(problems);
        Assert.True(settings.IsKubernetes);
        Assert.Equal("app.kubernetes.io/name=mail", settings.PodLabelSelector);
        Assert.Equal("mail-prod", settings.Namespace);
        Assert.Equal(9558, settings.ManagementPort);
        Assert.Equal(5, settings.RequiredContactPoints);
    }

    [Fact]
    public void An_empty_namespace_comes_from_POD_NAMESPACE()
    {
        var (settings, _) = Load(Kubernetes, name => name == "POD_NAMESPACE" ? "from-env" : null);
        Assert.Equal("from-env", settings.Namespace);
        var (explicitNs, _) = Load(Kubernetes + "\nmailcluster.cluster.discovery.kubernetes.namespace = set", name => name == "POD_NAMESPACE" ? "from-env" : null);
        Assert.Equal("set", explicitNs.Namespace);
    }

    [Theory]
    [InlineData("management-port = 0", "mailcluster.cluster.discovery.kubernetes.management-port")]
    [InlineData("management-port = 70000", "mailcluster.cluster.discovery.kubernetes.management-port")]
    [InlineData("management-port = lots", "mailcluster.cluster.discovery.kubernetes.management-port")]
    [InlineData("required-contact-points = 0", "mailcluster.cluster.discovery.kubernetes.required-contact-points")]
    [InlineData("pod-label-selector = \"\"", "mailcluster.cluster.discovery.kubernetes.pod-label-selector")]
    public void Bad_kubernetes_values_are_errors_naming_their_path(string line, string path)
    {
        var (_, problems) = Load(Kubernetes + "\nmailcluster.cluster.discovery.kubernetes." + line);
        Assert.Contains(problems, p => p.Severity == ProblemSeverity.Error && p.Path == path);
    }

    [Fact]
    public void Kubernetes_refuses_seed_nodes_and_sqlite_and_warns_about_loopback_and_few_contact_points()
    {
        var (_, problems) = Load("""
            mailcluster.cluster.discovery { method = kubernetes, kubernetes.required-contact-points = 2 }
            mailcluster.cluster.seed-nodes = ["akka.tcp://mailcluster@10.0.0.1:4053"]
            """);
        Assert.Contains(problems, p => p is { Severity: ProblemSeverity.Error, Path: "mailcluster.cluster.seed-nodes" });
        Assert.Contains(problems, p => p is { Severity: ProblemSeverity.Error, Path: "mailcluster.storage.provider" });
        Assert.Contains(problems, p => p is { Severity: ProblemSeverity.Warning, Path: "mailcluster.cluster.hostname" });
        Assert.Contains(problems, p => p is { Severity: ProblemSeverity.Warning, Path: "mailcluster.cluster.discovery.kubernetes.required-contact-points" });
    }

    [Fact]
    public void The_discovery_keys_are_known_to_the_typo_check()
    {
        var user = MailClusterConfig.Parse(Kubernetes + "\nmailcluster.cluster.discovery.kubernetes { namespace = x, management-bind-hostname = \"127.0.0.1\" }", "test.conf");
        Assert.Empty(UnknownKeys.Find(user, MailClusterConfig.Reference));
        var typo = MailClusterConfig.Parse("mailcluster.cluster.discovery.kubernetes.required-contact-point = 3", "test.conf");
        Assert.Equal("mailcluster.cluster.discovery.kubernetes.required-contact-point", Assert.Single(UnknownKeys.Find(typo, MailClusterConfig.Reference)).Path);
    }

    [Fact]
    public void The_derived_akka_config_selects_kubernetes_api_discovery()
    {
        var (settings, _) = Load(Kubernetes, name => name == "POD_NAMESPACE" ? "mail" : null);
        var akka = KubernetesDiscovery.AkkaConfig(settings, "10.1.2.3");
        Assert.Equal("kubernetes-api", akka.GetString("akka.discovery.method"));
        Assert.Equal("app=mailcluster", akka.GetString("akka.discovery.kubernetes-api.pod-label-selector"));
        Assert.Equal("mail", akka.GetString("akka.discovery.kubernetes-api.pod-namespace"));
        Assert.Equal(8558, akka.GetInt("akka.management.http.port"));
        Assert.Equal("10.1.2.3", akka.GetString("akka.management.http.hostname"));
        Assert.Equal("kubernetes-api", akka.GetString("akka.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
        Assert.Equal("management", akka.GetString("akka.management.cluster.bootstrap.contact-point-discovery.port-name"));
        Assert.Equal(3, akka.GetInt("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
        Assert.False(KubernetesDiscovery.AkkaConfig(settings with { Namespace = null }, "h").HasPath("akka.discovery.kubernetes-api.pod-namespace"));
    }

    [Fact]
    public async Task StartAsync_refuses_the_config_method()
    {
        using var system = ActorSystem.Create("discovery-test", "akka.loglevel = WARNING");
        await Assert.ThrowsAsync<InvalidOperationException>(() => KubernetesDiscovery.StartAsync(system, DiscoverySettings.Default));
    }

    /// <summary>
    /// The HTTP half starts on loopback without any Kubernetes API (bootstrap itself would list pods). Where the HTTP
    /// server cannot run (Ceen.Httpd mismatch, see KubernetesDiscovery), the failure must be a clear config-time error.
    /// </summary>
    [Fact]
    public async Task Management_http_starts_on_the_configured_port_on_loopback()
    {
        var port = FreePort();
        var system = ActorSystem.Create("mailcluster", ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            """));
        try
        {
            var settings = DiscoverySettings.Default with { Method = DiscoverySettings.KubernetesMethod, ManagementPort = port, ManagementBindHostname = "127.0.0.1" };
            Uri uri;
            try { uri = await KubernetesDiscovery.StartManagementAsync(system, settings); }
            catch (InvalidOperationException ex) when (ex.Message.Contains("Ceen.Httpd 0.9.9"))
            {
                // Known on this package feed: only Ceen.Httpd 0.9.10 is served, and Akka.Http.Shim 1.5.73 cannot run on
                // it. The error must say so instead of a bare MissingMethodException; once 0.9.9 resolves, the rest runs.
                Assert.IsType<MissingMethodException>(ex.InnerException?.InnerException);
                return;
            }
            Assert.Equal(port, uri.Port);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var response = await http.GetAsync($"http://127.0.0.1:{port}/bootstrap/seed-nodes");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("selfNode", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
