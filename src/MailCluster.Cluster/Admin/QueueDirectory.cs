using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using MailCluster.Cluster.Queue;

namespace MailCluster.Cluster.Admin;

/// <summary>
/// Finds the next-hop queues across the cluster and asks them things. The list is the union of every queue-role
/// member's shard region view, so any node (an ingress-only one too) lists and acts on every queue; a region that does
/// not answer in time is left out of the list rather than failing it. A queue is only ever asked after it was listed,
/// so a mistyped hop key never creates (and remembers) an entity.
/// </summary>
public sealed class QueueDirectory(ActorSystem system, IActorRef queues, TimeSpan timeout)
{
    public async Task<IReadOnlyList<string>> HopKeysAsync()
    {
        var states = await Task.WhenAll(QueueRegions().Select(RegionStateAsync));
        return states.SelectMany(s => s.Shards).SelectMany(s => s.EntityIds).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private IEnumerable<ActorSelection> QueueRegions() =>
        Akka.Cluster.Cluster.Get(system).State.Members
            .Where(m => m.Status == MemberStatus.Up && m.HasRole(Hosting.ClusterSettings.QueueRole))
            .Select(m => system.ActorSelection($"{m.Address}/system/sharding/{QueueSharding.TypeName}"));

    private async Task<CurrentShardRegionState> RegionStateAsync(ActorSelection region)
    {
        try { return await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, timeout); }
        catch (AskTimeoutException) { return new CurrentShardRegionState([], []); }
    }

    public async Task<bool> ExistsAsync(string hopKey) => (await HopKeysAsync()).Contains(hopKey);

    public Task<QueueSummary> SummaryAsync(string hopKey) => queues.Ask<QueueSummary>(new GetQueueSummary(hopKey), timeout);

    public Task<QueueEntries> EntriesAsync(string hopKey) => queues.Ask<QueueEntries>(new GetQueueEntries(hopKey), timeout);

    public async Task<IReadOnlyList<QueueSummary>> SummariesAsync() =>
        await Task.WhenAll((await HopKeysAsync()).Select(SummaryAsync));

    public async Task<IReadOnlyList<QueueEntries>> AllEntriesAsync() =>
        await Task.WhenAll((await HopKeysAsync()).Select(EntriesAsync));

    /// <summary>Sends one command per queue and adds up what they changed.</summary>
    public async Task<int> ApplyAsync(IEnumerable<IQueueCommand> commands)
    {
        var done = await Task.WhenAll(commands.Select(c => queues.Ask<QueueCommandDone>(c, timeout)));
        return done.Sum(d => d.Affected);
    }
}
