using Akka.Actor;
using Akka.Cluster.Sharding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailCluster.Cluster.Admin;

/// <summary>/api/cluster: members with roles and status, and how many queue shards and entities each node hosts.</summary>
public static class ClusterEndpoints
{
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(3);

    public static void Map(IEndpointRouteBuilder app, ActorSystem system, IActorRef queues, TimeSpan timeout)
    {
        app.MapGet("/api/cluster", async () =>
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            var state = cluster.State;
            var members = state.Members.Select(m => new ClusterMemberView(m.Address.ToString(), m.Status.ToString(), m.Roles.Order().ToList(),
                !state.Unreachable.Contains(m), m.Address == cluster.SelfAddress, m.Address == state.Leader)).ToList();
            // Membership comes from local gossip and is always there; the shard statistics need the coordinator,
            // which is briefly unreachable while a cluster forms or a node leaves. Those then stay empty, said so.
            var statsTimeout = timeout < StatsTimeout ? timeout : StatsTimeout;
            ClusterShardingStats stats;
            try { stats = await queues.Ask<ClusterShardingStats>(new GetClusterShardingStats(statsTimeout), statsTimeout + statsTimeout); }
            catch (AskTimeoutException)
            {
                return Results.Ok(new ClusterView(cluster.SelfAddress.ToString(), members, [],
                    [$"shard statistics: the coordinator did not answer within {statsTimeout.TotalSeconds:0} s (cluster forming or rebalancing)"]));
            }
            var shards = stats.Regions.Select(r => new ShardRegionView(r.Key.ToString(), r.Value.Stats.Count, r.Value.Stats.Values.Sum(),
                r.Value.Stats.ToDictionary(s => s.Key, s => s.Value))).OrderBy(r => r.Address).ToList();
            var failed = stats.Regions.SelectMany(r => r.Value.Failed.Select(f => $"{r.Key}/{f}")).ToList();
            return Results.Ok(new ClusterView(cluster.SelfAddress.ToString(), members, shards, failed));
        });
    }
}
