using MailCluster.Cluster.Hosting;

namespace MailCluster.Cluster.Tests;

public sealed class ClusterSettingsTests
{
    private static (NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Load(string hocon) => SettingsUnderTest.Load(hocon);

    private const string ThreeSeeds = """
        mailcluster.cluster.seed-nodes = ["akka.tcp://mailcluster@127.0.0.1:4051", "akka.tcp://mailcluster@127.0.0.1:4052",
                                          "akka.tcp://mailcluster@127.0.0.1:4053"]
        """;

    [Fact]
    public void A_single_node_is_a_cluster_of_one_with_both_roles_and_fast_failover_defaults()
    {
        var (settings, problems) = Load("");
        Assert.Empty(problems);
        var cluster = settings!.Cluster;
        Assert.Empty(cluster.SeedNodes);
        Assert.True(cluster.IsIngress && cluster.IsQueue);
        Assert.Equal("keep-majority", cluster.DowningStrategy);
        Assert.Equal(TimeSpan.FromSeconds(5), cluster.StableAfter);
        Assert.Equal(TimeSpan.FromSeconds(2), cluster.DownRemovalMargin);
    }

    [Fact]
    public void Seeds_on_postgresql_join_under_the_formation_lease_unless_it_is_turned_off()
    {
        const string postgres = "mailcluster.storage { provider = postgresql, postgresql.connection-string = \"Host=127.0.0.1\" }\n";
        var (on, _) = Load(postgres + ThreeSeeds);
        Assert.True(on!.UsesFormationLease);
        Assert.Equal(TimeSpan.FromSeconds(30), on.Cluster.FormationLease.Ttl);
        Assert.Equal(TimeSpan.FromSeconds(10), on.Cluster.FormationLease.RenewEvery);
        var (off, _) = Load(postgres + ThreeSeeds + "\nmailcluster.cluster.formation-lease { enabled = off, ttl = 1m }");
        Assert.False(off!.UsesFormationLease);
        var (single, _) = Load(postgres);
        Assert.False(single!.UsesFormationLease); // no seeds: a cluster of one joins itself at once
        var (bad, problems) = Load(postgres + ThreeSeeds + "\nmailcluster.cluster.formation-lease.ttl = -5s");
        Assert.Null(bad);
        Assert.Contains(problems, p => p.Path == "mailcluster.cluster.formation-lease.ttl");
    }

    [Fact]
    public void Sqlite_shared_by_several_nodes_is_refused_naming_the_path()
    {
        var (settings, problems) = Load(ThreeSeeds);
        Assert.Null(settings);
        var problem = Assert.Single(problems, p => p.Severity == ProblemSeverity.Error);
        Assert.Equal("mailcluster.storage.provider", problem.Path);
        Assert.Contains("postgresql", problem.Reason);
    }

    [Fact]
    public void Fewer_than_three_seeds_is_a_warning()
    {
        var (settings, problems) = Load("""mailcluster.cluster.seed-nodes = ["akka.tcp://mailcluster@127.0.0.1:4051"]""");
        Assert.NotNull(settings);
        var warning = Assert.Single(problems);
        Assert.Equal(ProblemSeverity.Warning, warning.Severity);
        Assert.Equal("mailcluster.cluster.seed-nodes", warning.Path);
        Assert.Contains("at least 3", warning.Reason);
    }

    [Theory]
    [InlineData("mailcluster.cluster.roles = []", "mailcluster.cluster.roles")]
    [InlineData("mailcluster.cluster.roles = [smtp]", "mailcluster.cluster.roles")]
    [InlineData("mailcluster.cluster.downing-strategy = auto-down", "mailcluster.cluster.downing-strategy")]
    [InlineData("""mailcluster.cluster.seed-nodes = ["10.0.0.1:4053"]""", "mailcluster.cluster.seed-nodes")]
    public void Bad_cluster_settings_name_their_path(string hocon, string path)
    {
        var (settings, problems) = Load(hocon);
        Assert.Null(settings);
        Assert.Contains(problems, p => p.Severity == ProblemSeverity.Error && p.Path == path);
    }

    [Fact]
    public void A_node_may_be_ingress_only()
    {
        var (settings, _) = Load("mailcluster.cluster.roles = [ingress]");
        Assert.True(settings!.Cluster.IsIngress);
        Assert.False(settings.Cluster.IsQueue);
    }
}
