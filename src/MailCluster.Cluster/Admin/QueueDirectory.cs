using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using MailCluster.Cluster.Queue;
using MailCluster.Core.Queue;

namespace MailCluster.Cluster.Admin;

/// <summary>
/// Finds the next-hop queues across the cluster and asks them things. The list is the union of every queue-role
/// member's shard region view, so any node (an ingress-only one too) lists and acts on every queue; a region that does
/// not answer in time is left out of the list rather than failing it. A queue is only ever asked after it was listed,
/// so a mistyped hop key never creates (and remembers) an entity.
/// </summary>
public sealed class QueueDirectory(ActorSystem system, IActorRef queues, TimeSpan timeout)
{
    /// <summary>Every queue entity in the cluster: hop keys, and "hop#n" for the partitions of a partitioned hop.</summary>
    public async Task<IReadOnlyList<string>> EntityIdsAsync()
    {
        var states = await Task.WhenAll(QueueRegions().Select(RegionStateAsync));
        return states.SelectMany(s => s.Shards).SelectMany(s => s.EntityIds).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The next hops, each once however many partitions it has: what the postmaster sees as queues.</summary>
    public async Task<IReadOnlyList<string>> HopKeysAsync() =>
        (await EntityIdsAsync()).Select(QueueKey.HopOf).Distinct().Order(StringComparer.Ordinal).ToList();

    private async Task<IReadOnlyList<string>> PartitionsOfAsync(string hopKey) =>
        (await EntityIdsAsync()).Where(id => QueueKey.HopOf(id) == hopKey).ToList();

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

    /// <summary>One summary for the hop: its partitions' counts added up, the oldest arrival of all, a last error.</summary>
    public async Task<QueueSummary> SummaryAsync(string hopKey)
    {
        var parts = await Task.WhenAll((await PartitionsOfAsync(hopKey))
            .Select(id => AskAsync<QueueSummary>(new GetQueueSummary(id), id)));
        return new QueueSummary(hopKey, parts.Sum(p => p.Active), parts.Sum(p => p.Deferred), parts.Sum(p => p.Held),
            parts.Sum(p => p.InFlight), parts.Select(p => p.OldestArrival).Where(a => a is not null).DefaultIfEmpty(null).Min(),
            parts.Select(p => p.LastError).FirstOrDefault(e => e is not null));
    }

    /// <summary>The hop's entries, from all its partitions.</summary>
    public async Task<QueueEntries> EntriesAsync(string hopKey)
    {
        var parts = await Task.WhenAll((await PartitionsOfAsync(hopKey))
            .Select(id => AskAsync<QueueEntries>(new GetQueueEntries(id), id)));
        return new QueueEntries(hopKey, parts.SelectMany(p => p.Entries).OrderBy(e => e.ArrivedAt).ToList());
    }

    public async Task<IReadOnlyList<QueueSummary>> SummariesAsync() =>
        await Task.WhenAll((await HopKeysAsync()).Select(SummaryAsync));

    public async Task<IReadOnlyList<QueueEntries>> AllEntriesAsync() =>
        await Task.WhenAll((await HopKeysAsync()).Select(EntriesAsync));

    /// <summary>Sends each command to every partition of its hop and adds up what they changed.</summary>
    public async Task<int> ApplyAsync(IEnumerable<IQueueCommand> commands)
    {
        var entities = await EntityIdsAsync();
        var sent = commands.SelectMany(c => entities.Where(id => QueueKey.HopOf(id) == c.HopKey).Select(id => Retarget(c, id)));
        var done = await Task.WhenAll(sent.Select(c => AskAsync<QueueCommandDone>(c, c.HopKey)));
        return done.Sum(d => d.Affected);
    }

    private async Task<T> AskAsync<T>(object question, string entityId)
    {
        try { return await queues.Ask<T>(question, timeout); }
        catch (AskTimeoutException ex) { throw new NotAnsweringException($"queue {entityId}", timeout, ex); }
    }

    private static IQueueCommand Retarget(IQueueCommand command, string entityId) => command switch
    {
        FlushQueue c => c with { HopKey = entityId },
        HoldMessages c => c with { HopKey = entityId },
        ReleaseMessages c => c with { HopKey = entityId },
        DeleteMessages c => c with { HopKey = entityId },
        _ => throw new ArgumentException($"{command.GetType().Name} is not an operator command"),
    };
}
