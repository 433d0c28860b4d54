using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// Shard placement that spreads a partitioned hop over the nodes. Partition k of a hop lives in shard "N#k" (N being
/// the hop's own shard, where partition 0 stays), so the partitions of one hop form a family. A family member goes to
/// the region holding the fewest of its family, then the fewest shards overall: the point of partitions is that every
/// node works the hop, and plain least-shards placement may put them all on one node. Everything else is the default
/// strategy's; partition shards are left out of its rebalancing, and a family that ended up uneven (a node joined, or
/// came back) has one member moved per rebalance round instead, placed by this again.
/// </summary>
public sealed class PartitionAwareAllocation(IShardAllocationStrategy fallback) : IActorSystemDependentAllocationStrategy
{
    public const char FamilySeparator = '#';

    public void Start(ActorSystem system)
    {
        if (fallback is IActorSystemDependentAllocationStrategy dependent) dependent.Start(system);
        else if (fallback is IStartableAllocationStrategy startable) startable.Start();
    }

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> current)
    {
        if (!IsPartitionShard(shardId) || current.Count == 0) return fallback.AllocateShard(requester, shardId, current);
        var family = FamilyOf(shardId);
        var chosen = current
            .OrderBy(r => r.Value.Count(s => FamilyOf(s) == family))
            .ThenBy(r => r.Value.Count)
            .ThenBy(r => r.Key.Path.ToString(), StringComparer.Ordinal)
            .First().Key;
        return Task.FromResult(chosen);
    }

    public async Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> current,
        IImmutableSet<string> rebalanceInProgress)
    {
        // The default balances shard counts and would move partitions about (and back); partitions move only to even
        // out their own family, one per family per round.
        var moves = (await fallback.Rebalance(current, rebalanceInProgress)).Where(s => !IsPartitionShard(s)).ToImmutableHashSet();
        if (rebalanceInProgress.Any(IsPartitionShard)) return moves;
        return moves.Union(UnevenFamilies(current));
    }

    /// <summary>For each family whose members differ by more than one between regions, one member of the fullest region.</summary>
    public static IEnumerable<string> UnevenFamilies(IImmutableDictionary<IActorRef, IImmutableList<string>> current)
    {
        var families = current.Values.SelectMany(s => s).Where(IsPartitionShard).Select(FamilyOf).Distinct();
        foreach (var family in families)
        {
            // The family counts its partition 0 (shard N) too, as AllocateShard does, or the two would disagree and
            // move a member back and forth; only a partition shard (N#k) is ever moved.
            var counts = current.Select(r => r.Value.Where(s => FamilyOf(s) == family).ToList())
                .OrderByDescending(shards => shards.Count).ToList();
            var movable = counts[0].Where(IsPartitionShard).Order(StringComparer.Ordinal).ToList();
            if (counts[0].Count - counts[^1].Count > 1 && movable.Count > 0) yield return movable[^1];
        }
    }

    private static bool IsPartitionShard(string shardId) => shardId.Contains(FamilySeparator);

    private static string FamilyOf(string shardId)
    {
        var at = shardId.IndexOf(FamilySeparator);
        return at < 0 ? shardId : shardId[..at];
    }
}
