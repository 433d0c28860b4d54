using MailCluster.Core.Queue;

namespace MailCluster.Cluster.Queue.Placement;

/// <summary>
/// Which queue entity a message's recipients for one hop go to. An unpartitioned hop has one; for a partitioned hop,
/// ingress prefers a partition that lives on this node (the notice then needs no remote round trip), spreading messages
/// over them by queue id, and otherwise over all partitions, which also brings partitions that do not exist yet
/// into being. Thread-safe: sessions of every connection call it.
/// </summary>
public sealed class QueuePlacement(Func<string, int> partitionsOf, LocalQueueEntities local)
{
    /// <summary>
    /// The turn comes from the queue id, not a counter: a retried acceptance of the same message (a bounce whose first
    /// attempt timed out) picks the same partition as long as this node hosts the same ones, so the stored row's key
    /// (the first write wins) and the notice agree.
    /// </summary>
    public string EntityFor(string hop, string queueId)
    {
        var partitions = partitionsOf(hop);
        if (partitions <= 1) return hop;
        return Choose(hop, partitions, local.Contains, StableHash(queueId));
    }

    private static uint StableHash(string text)
    {
        var hash = 2166136261u; // FNV-1a: the same on every node and run, unlike string.GetHashCode
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return hash;
    }

    public bool IsLocal(string entityId) => local.Contains(entityId);

    /// <summary>The choice itself, pure: <paramref name="turn"/> picks among the local partitions, or among all.</summary>
    public static string Choose(string hop, int partitions, Func<string, bool> isLocal, uint turn)
    {
        Span<int> localOnes = stackalloc int[partitions];
        var count = 0;
        for (var p = 0; p < partitions; p++)
            if (isLocal(new QueueKey(hop, p).EntityId)) localOnes[count++] = p;
        var chosen = count > 0 ? localOnes[(int)(turn % (uint)count)] : (int)(turn % (uint)partitions);
        return new QueueKey(hop, chosen).EntityId;
    }
}

/// <summary>The queue entities hosted on this node, as its shard region last reported them.</summary>
public sealed class LocalQueueEntities
{
    private volatile IReadOnlySet<string> _ids = new HashSet<string>();

    public bool Contains(string entityId) => _ids.Contains(entityId);

    public void Replace(IReadOnlySet<string> ids) => _ids = ids;
}
