using Akka.Configuration;
using MailCluster.Cluster.Hosting;
using MailCluster.Cluster.Hosting.Discovery;

namespace MailCluster.Cluster.Tests;

/// <summary>Every file in cluster-config/ (copied into the test output) parses and loads without errors.</summary>
public sealed class ClusterConfigFilesTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "cluster-config");

    public static TheoryData<string> Files() => new(Directory.GetFiles(Dir, "*.conf").Select(Path.GetFileName).Order()!);

    private static (NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems, Config Layered) Load(Config user)
    {
        var layered = MailClusterConfig.Layer(user);
        var (settings, problems) = NodeSettingsLoader.TryLoad(layered, user);
        var all = problems.ToList();
        DiscoverySettingsLoader.Load(layered, new ConfigReader(layered, "mailcluster", all));
        return (settings, all, layered);
    }

    [Fact]
    public void The_expected_files_are_there()
    {
        var names = Directory.GetFiles(Dir, "*.conf").Select(Path.GetFileName).ToHashSet();
        Assert.Superset(new HashSet<string?> { "single-node.conf", "base.conf", "node1.conf", "node2.conf", "node3.conf", "production.conf" }, names);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_file_loads_without_errors(string file)
    {
        var (settings, problems, _) = Load(MailClusterConfig.ParseFile(Path.Combine(Dir, file)));
        Assert.True(settings is not null && problems.All(p => p.Severity != ProblemSeverity.Error), string.Join("\n", problems));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Node_files_include_base_and_add_distinct_ports(int n)
    {
        Assert.Contains("include \"base.conf\"", File.ReadAllLines(Path.Combine(Dir, $"node{n}.conf")));
        var (settings, problems, _) = Load(MailClusterConfig.ParseFile(Path.Combine(Dir, $"node{n}.conf")));
        Assert.Empty(problems);
        Assert.Equal(4050 + n, settings!.Cluster.Port);
        Assert.Equal("127.0.0.1", settings.Cluster.Hostname);
        Assert.Equal(3, settings.Cluster.SeedNodes.Count);
        Assert.Equal($"127.0.0.1:{2524 + n}", Assert.Single(settings.Listeners).Endpoint.ToString());
        Assert.Equal($"./data/node{n}", settings.DataDir);
        Assert.True(settings.Storage.IsPostgres);
        Assert.Contains("Port=55432", settings.Storage.PostgresConnectionString);
    }

    [Fact]
    public void Base_takes_the_database_from_MAILCLUSTER_DB()
    {
        var text = EnvironmentSubstitution.Apply(File.ReadAllText(Path.Combine(Dir, "base.conf")), "base.conf",
            name => name == "MAILCLUSTER_DB" ? "Host=10.9.9.9;Database=m" : null);
        var (settings, _, _) = Load(ConfigurationFactory.ParseString(text));
        Assert.Equal("Host=10.9.9.9;Database=m", settings!.Storage.PostgresConnectionString);
    }

    [Fact]
    public void Production_takes_every_documented_variable_from_the_environment()
    {
        var path = Path.Combine(Dir, "production.conf");
        var hocon = File.ReadAllText(path);
        var env = new Dictionary<string, string>
        {
            ["MAILCLUSTER_HOSTNAME"] = "mx1.example.org",
            ["MAILCLUSTER_DATA_DIR"] = "/srv/mail",
            ["MAILCLUSTER_SMTP_ENDPOINT"] = "0.0.0.0:2525",
            ["MAILCLUSTER_SUBMISSION_ENDPOINT"] = "0.0.0.0:2587",
            ["MAILCLUSTER_RELAYHOST"] = "smtp:[smarthost.example.org]:587",
            ["MAILCLUSTER_CLUSTER_HOSTNAME"] = "192.0.2.7",
            ["MAILCLUSTER_CLUSTER_PORT"] = "4999",
            ["MAILCLUSTER_DOWNING_STRATEGY"] = "keep-oldest",
            ["MAILCLUSTER_DB"] = "Host=db2;Database=mc;Password=x",
            ["MAILCLUSTER_AUTO_MIGRATE"] = "off",
        };
        // Every variable the file uses is documented in its header, and every documented one is used.
        var used = System.Text.RegularExpressions.Regex.Matches(hocon, @"\$\{\?(MAILCLUSTER_[A-Z_]+)\}").Select(m => m.Groups[1].Value).ToHashSet();
        var header = string.Join("\n", hocon.Split('\n').TakeWhile(l => l.StartsWith('#')));
        Assert.All(used, v => Assert.Contains(v, header));
        Assert.Superset(env.Keys.ToHashSet(), used);

        var (settings, problems, _) = Load(ConfigurationFactory.ParseString(EnvironmentSubstitution.Apply(hocon, path, env.GetValueOrDefault)));
        Assert.True(settings is not null, string.Join("\n", problems));
        Assert.Equal("mx1.example.org", settings.HostName);
        Assert.Equal("/srv/mail", settings.DataDir);
        Assert.Equal("0.0.0.0:2525", settings.Listeners.Single(l => l.Name == "mx").Endpoint.ToString());
        Assert.Equal("0.0.0.0:2587", settings.Listeners.Single(l => l.Name == "submission").Endpoint.ToString());
        Assert.Equal("192.0.2.7", settings.Cluster.Hostname);
        Assert.Equal(4999, settings.Cluster.Port);
        Assert.Equal("keep-oldest", settings.Cluster.DowningStrategy);
        Assert.Equal("Host=db2;Database=mc;Password=x", settings.Storage.PostgresConnectionString);
        Assert.False(settings.Storage.AutoMigrate);
    }
}
