using Akka.Actor;
using Akka.Cluster.Sharding;

namespace MailCluster.Cluster.Queue.Placement;

/// <summary>
/// Keeps <see cref="LocalQueueEntities"/> current by asking this node's queue shard region which entities it hosts,
/// every few seconds (a local message; shards move seldom, and a stale answer only costs a remote notice).
/// </summary>
public sealed class LocalQueuesWatcherActor : ReceiveActor, IWithTimers
{
    private sealed record Refresh;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    public ITimerScheduler Timers { get; set; } = null!;

    public LocalQueuesWatcherActor(IActorRef region, LocalQueueEntities local)
    {
        Receive<Refresh>(_ => region.Tell(GetShardRegionState.Instance));
        Receive<CurrentShardRegionState>(state =>
            local.Replace(state.Shards.SelectMany(s => s.EntityIds).ToHashSet(StringComparer.Ordinal)));
    }

    public static Props Props(IActorRef region, LocalQueueEntities local) =>
        Akka.Actor.Props.Create(() => new LocalQueuesWatcherActor(region, local));

    protected override void PreStart()
    {
        Self.Tell(new Refresh());
        Timers.StartPeriodicTimer("refresh", new Refresh(), Interval);
    }
}
