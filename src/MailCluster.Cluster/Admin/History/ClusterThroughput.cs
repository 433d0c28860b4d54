namespace MailCluster.Cluster.Admin.History;

/// <summary>One point of the cluster's history: rates per second over the interval ending at At, and queued messages.</summary>
public sealed record ThroughputPoint(DateTimeOffset At, double Accepted, double Delivered, double Deferred, double Bounced, int Queued);

/// <param name="DeferredCounts">What the deferred series counts: recipient attempts (one message to 3 recipients deferred once is 3).</param>
public sealed record ThroughputHistoryView(double IntervalSeconds, string DeferredCounts, IReadOnlyList<ThroughputPoint> Points, IReadOnlyList<string> NodesNotAnswering);

/// <summary>
/// Adds up the nodes' histories on the server, so the browser only draws: each node's rates come from its consecutive
/// samples, and a point is the sum over every node that has a sample in that interval slot. A counter that went down
/// (the node restarted) gives that interval no rate rather than a negative one.
/// </summary>
public static class ClusterThroughput
{
    public static IReadOnlyList<ThroughputPoint> Combine(IEnumerable<ThroughputHistory> nodes, TimeSpan interval)
    {
        var slots = new SortedDictionary<long, (double Accepted, double Delivered, double Deferred, double Bounced, int Queued)>();
        foreach (var node in nodes)
        {
            ThroughputSample? previous = null;
            foreach (var sample in node.Samples)
            {
                var slot = sample.At.ToUnixTimeMilliseconds() / (long)interval.TotalMilliseconds;
                var sum = slots.GetValueOrDefault(slot);
                sum.Queued += sample.Queued;
                if (previous is { } p && (sample.At - p.At).TotalSeconds is var seconds and > 0)
                {
                    sum.Accepted += Rate(p.Accepted, sample.Accepted, seconds);
                    sum.Delivered += Rate(p.Delivered, sample.Delivered, seconds);
                    sum.Deferred += Rate(p.Deferred, sample.Deferred, seconds);
                    sum.Bounced += Rate(p.Bounced, sample.Bounced, seconds);
                }
                slots[slot] = sum;
                previous = sample;
            }
        }
        return slots.Select(s => new ThroughputPoint(DateTimeOffset.FromUnixTimeMilliseconds(s.Key * (long)interval.TotalMilliseconds),
            Math.Round(s.Value.Accepted, 2), Math.Round(s.Value.Delivered, 2), Math.Round(s.Value.Deferred, 2),
            Math.Round(s.Value.Bounced, 2), s.Value.Queued)).ToList();
    }

    private static double Rate(long before, long after, double seconds) => after >= before ? (after - before) / seconds : 0;
}
