using Akka.Actor;
using Akka.Cluster.Sharding;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// One entity per next hop, placed by Cluster.Sharding (even on a single node, so the same code runs in a cluster).
/// Entity id = next-hop key; shard = a stable hash of it modulo a fixed max-shards that must never change for a
/// running cluster, or entities would be looked for in the wrong shards.
/// </summary>
public static class QueueSharding
{
    public const string TypeName = "next-hop-queue";

    /// <summary>
    /// Queue entities live only on nodes with the "queue" role; other nodes reach them through a proxy. A queue that
    /// moves gets <see cref="NextHopQueueActor.HandOff"/>, so it lets its deliveries under way finish first.
    /// </summary>
    public static IActorRef Start(ActorSystem system, QueueServices services, bool hostsQueues)
    {
        var sharding = ClusterSharding.Get(system);
        var extractor = new QueueMessageExtractor(services.Settings.MaxShards);
        if (!hostsQueues) return sharding.StartProxy(TypeName, Hosting.ClusterSettings.QueueRole, extractor);
        var settings = ClusterShardingSettings.Create(system).WithRememberEntities(true).WithRole(Hosting.ClusterSettings.QueueRole);
        return sharding.Start(TypeName, hopKey => NextHopQueueActor.Props(hopKey, services), settings, extractor,
            sharding.DefaultShardAllocationStrategy(settings), NextHopQueueActor.HandOff.Instance);
    }

    private sealed class QueueMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
    {
        // StartEntity (remember-entities restarts) is handled by the base class.
        public override string EntityId(object message) => (message as IQueueCommand)?.HopKey!;
    }
}
