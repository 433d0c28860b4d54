using MailCluster.Cluster.Hosting.Formation;

namespace MailCluster.Cluster.Tests.Formation;

public sealed class FormationDecisionTests
{
    private static readonly string[] Seeds =
        ["akka.tcp://mailcluster@10.0.0.1:4053", "akka.tcp://mailcluster@10.0.0.2:4053", "akka.tcp://mailcluster@10.0.0.3:4053"];

    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(null)]   // no cluster ever ran on this database
    [InlineData(31.0)]   // the last one stopped more than a TTL ago
    public void Without_a_live_lease_the_first_seed_keeps_itself_and_may_form(double? ageSeconds)
    {
        var age = ageSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        Assert.Equal(Seeds, FormationDecision.SeedsToJoin(Seeds, Seeds[0], age, Ttl));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(29.9)]
    public void While_a_cluster_renews_the_lease_a_node_joins_the_others_only(double ageSeconds)
    {
        var seeds = FormationDecision.SeedsToJoin(Seeds, Seeds[0] + "/", TimeSpan.FromSeconds(ageSeconds), Ttl);
        Assert.Equal(Seeds[1..], seeds);
    }

    [Fact]
    public void A_node_that_is_not_a_seed_joins_the_same_seeds_either_way()
    {
        const string other = "akka.tcp://mailcluster@10.0.0.9:4053";
        Assert.Equal(Seeds, FormationDecision.SeedsToJoin(Seeds, other, TimeSpan.Zero, Ttl));
    }
}
