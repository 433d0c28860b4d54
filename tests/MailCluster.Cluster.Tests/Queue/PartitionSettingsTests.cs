using MailCluster.Cluster.Queue;
using MailCluster.Cluster.Queue.Placement;
using MailCluster.Core.Queue;

namespace MailCluster.Cluster.Tests.Queue;

/// <summary>queue.partitions and queue.rate-limit: per destination, split into shares that add up to the cluster-wide limit.</summary>
public sealed class PartitionSettingsTests
{
    [Fact]
    public void A_destination_can_be_split_and_its_window_and_rates_are_shared_out()
    {
        var (settings, problems) = SettingsUnderTest.Load("""
            mailcluster.queue.destinations."smtp:[relay.example]:25" {
              max-concurrency = 10, initial-concurrency = 4, partitions = 3
              rate-limit { messages-per-second = 30, connections-per-minute = 60 }
            }
            """);
        Assert.Empty(problems);
        var policy = settings!.Queue.For("smtp:[relay.example]:25");
        Assert.Equal(3, policy.Partitions);
        var shares = Enumerable.Range(0, 3).Select(policy.ForPartition).ToList();
        Assert.Equal(10, shares.Sum(s => s.MaxConcurrency));
        Assert.Equal([4, 3, 3], shares.Select(s => s.MaxConcurrency));
        Assert.All(shares, s => Assert.InRange(s.InitialConcurrency, 1, s.MaxConcurrency));
        Assert.All(shares, s => Assert.Equal(new RateLimit(10, 0, 20), s.Rates));
        Assert.Equal(1, settings.Queue.For("smtp:other.example").Partitions);
    }

    [Theory]
    [InlineData("partitions = 30, max-concurrency = 20", "mailcluster.queue.destinations.\"relay.example\".partitions", "must not exceed max-concurrency")]
    [InlineData("partitions = 0", "mailcluster.queue.destinations.\"relay.example\".partitions", "greater than 0")]
    [InlineData("partitions = 100, max-concurrency = 200", "mailcluster.queue.destinations.\"relay.example\".partitions", "at most 64")]
    [InlineData("rate-limit.messages-per-second = -1", "mailcluster.queue.destinations.\"relay.example\".rate-limit.messages-per-second", "0 or more")]
    [InlineData("rate-limit.connections-per-minute = lots", "mailcluster.queue.destinations.\"relay.example\".rate-limit.connections-per-minute", "number")]
    public void Bad_partition_and_rate_settings_are_errors_at_their_path(string block, string path, string reason)
    {
        var (_, problems) = SettingsUnderTest.Load($"mailcluster.queue.destinations.\"relay.example\" {{ {block} }}");
        Assert.Contains(problems, p => p.Path == path && p.Reason.Contains(reason));
    }

    [Fact]
    public void Ingress_prefers_partitions_on_its_own_node_and_takes_turns_among_them()
    {
        var local = new HashSet<string> { "smtp:[r]:25#1", "smtp:[r]:25#3" };
        var chosen = Enumerable.Range(0, 4).Select(t => QueuePlacement.Choose("smtp:[r]:25", 4, local.Contains, (uint)t)).ToList();
        Assert.Equal(["smtp:[r]:25#1", "smtp:[r]:25#3", "smtp:[r]:25#1", "smtp:[r]:25#3"], chosen);
    }

    [Fact]
    public void Without_a_local_partition_ingress_takes_turns_among_all_of_them()
    {
        var chosen = Enumerable.Range(0, 3).Select(t => QueuePlacement.Choose("smtp:[r]:25", 3, _ => false, (uint)t)).ToList();
        Assert.Equal(["smtp:[r]:25", "smtp:[r]:25#1", "smtp:[r]:25#2"], chosen);
    }
}
