using Akka.Actor;
using Akka.Cluster.Sharding;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// One entity per next hop, placed by Cluster.Sharding (even on a single node, so the same code runs in a cluster).
/// Entity id = next-hop key (with "#k" for partition k of a partitioned hop); shard = a stable hash of the hop key modulo
/// a fixed max-shards that must never change for a running cluster, or entities would be looked for in the wrong shards.
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
        return sharding.Start(TypeName, entityId => NextHopQueueActor.Props(entityId, services), settings, extractor,
            new PartitionAwareAllocation(sharding.DefaultShardAllocationStrategy(settings)), NextHopQueueActor.HandOff.Instance);
    }

    /// <summary>
    /// Shard = a stable hash of the hop key. Partition k (k ≥ 1) of a partitioned hop gets a shard of its own, "N#k",
    /// beside its hop's shard N (where partition 0 stays), so partitions can live on different nodes
    /// (<see cref="PartitionAwareAllocation"/>). StartEntity is a remember-entities restart.
    /// </summary>
    private sealed class QueueMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
    {
        public override string EntityId(object message) => (message as IQueueCommand)?.HopKey!;

        public override string ShardId(object message) =>
            ShardId(message is ShardRegion.StartEntity start ? start.EntityId : EntityId(message), message);

        public override string ShardId(string entityId, object? messageHint = null)
        {
            var key = Core.Queue.QueueKey.Parse(entityId);
            var hopShard = base.ShardId(key.Hop, messageHint);
            return key.Partition == 0 ? hopShard : $"{hopShard}{PartitionAwareAllocation.FamilySeparator}{key.Partition}";
        }
    }
}
