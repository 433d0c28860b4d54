using MailCluster.Cluster.Admin.History;

namespace MailCluster.Cluster.Tests.Admin;

public sealed class ClusterThroughputTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private static ThroughputSample At(int seconds, long accepted, int queued, long delivered = 0) =>
        new(T0.AddSeconds(seconds), accepted, delivered, 0, 0, queued);

    [Fact]
    public void Rates_come_from_each_nodes_own_samples_and_are_added_up_per_interval()
    {
        var node1 = new ThroughputHistory("node1", Interval, [At(0, 100, 5), At(10, 150, 7), At(20, 150, 2, delivered: 40)]);
        var node2 = new ThroughputHistory("node2", Interval, [At(1, 9_000, 1), At(11, 9_100, 1)]);
        var points = ClusterThroughput.Combine([node1, node2], Interval);

        Assert.Equal([T0, T0.AddSeconds(10), T0.AddSeconds(20)], points.Select(p => p.At));
        Assert.Equal([0, 5 + 10, 0], points.Select(p => p.Accepted)); // 50/10 s on node1, 100/10 s on node2
        Assert.Equal([6, 8, 2], points.Select(p => p.Queued));
        Assert.Equal(4, points[2].Delivered);
    }

    [Fact]
    public void A_restarted_node_whose_counters_went_down_gives_no_negative_rate()
    {
        var node = new ThroughputHistory("node1", Interval, [At(0, 500, 0), At(10, 3, 0), At(20, 13, 0)]);
        Assert.Equal([0, 0, 1], ClusterThroughput.Combine([node], Interval).Select(p => p.Accepted));
    }
}
