using Akka.Actor;
using Akka.Cluster.Sharding;

namespace MailCluster.Cluster.Metrics;

/// <summary>
/// Every few seconds, copies cluster membership and the number of queue shards this node hosts into
/// <see cref="ClusterGauges"/>. A scrape must not wait on an Ask to the shard region, so the gauges read this cache.
/// </summary>
public sealed class ClusterMetricsActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private sealed class Refresh
    {
        public static readonly Refresh Instance = new();
    }

    private sealed record ShardCount(int Count);

    private readonly IActorRef? _queueRegion;
    private int _shards;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="queueRegion">The local next-hop queue region; null on a node that hosts no queues (0 shards).</param>
    public static Props Props(IActorRef? queueRegion) => Akka.Actor.Props.Create(() => new ClusterMetricsActor(queueRegion));

    public ClusterMetricsActor(IActorRef? queueRegion)
    {
        _queueRegion = queueRegion;
        Receive<Refresh>(_ => OnRefresh());
        Receive<ShardCount>(c =>
        {
            _shards = c.Count;
            Publish();
        });
    }

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("refresh", Refresh.Instance, TimeSpan.Zero, Interval);
    }

    private void Publish()
    {
        var state = Akka.Cluster.Cluster.Get(Context.System).State;
        var byStatus = state.Members.GroupBy(m => m.Status.ToString().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Count());
        ClusterGauges.Set(Context.System, new ClusterGauges.Snapshot(byStatus, state.Unreachable.Count, _shards));
    }

    protected override void PostStop() => ClusterGauges.Remove(Context.System);

    private void OnRefresh()
    {
        Publish();
        _queueRegion?.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, Interval)
            .PipeTo(Self, success: s => new ShardCount(s.Shards.Count), failure: _ => new ShardCount(_shards));
    }
}
