using Akka.Actor;
using Akka.Cluster.Sharding;
using MailCluster.Cluster.Queue;

namespace MailCluster.Cluster.Admin;

/// <summary>
/// Finds the next-hop queues and asks them things. The list of queues is the shard region's own view of its
/// entities: on a single node that is every queue; a queue-less (ingress-only) node sees none.
/// A queue is only ever asked after it was listed, so a mistyped hop key never creates (and remembers) an entity.
/// </summary>
public sealed class QueueDirectory(IActorRef queues, TimeSpan timeout)
{
    public async Task<IReadOnlyList<string>> HopKeysAsync()
    {
        var state = await queues.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, timeout);
        return state.Shards.SelectMany(s => s.EntityIds).Distinct().Order(StringComparer.Ordinal).ToList();
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
