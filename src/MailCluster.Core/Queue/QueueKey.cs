using System.Globalization;

namespace MailCluster.Core.Queue;

/// <summary>
/// The sharded entity id of one delivery queue: a next hop's key, and which of its partitions. A hot hop (a smart
/// host, one big provider) is split into partitions so every node can work it; partition 0 keeps the plain hop key,
/// so an existing queue stays where it is when its hop is split. "smtp:[relay.example]:25#3" is partition 3.
/// Hop keys never contain '#' (they are canonical host names, literals and ports).
/// </summary>
public readonly record struct QueueKey(string Hop, int Partition)
{
    public const char Separator = '#';

    public string EntityId => Partition == 0 ? Hop : string.Create(CultureInfo.InvariantCulture, $"{Hop}{Separator}{Partition}");

    public static QueueKey Parse(string entityId)
    {
        var at = entityId.LastIndexOf(Separator);
        return at > 0 && int.TryParse(entityId.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0
            ? new QueueKey(entityId[..at], p)
            : new QueueKey(entityId, 0);
    }

    /// <summary>The hop a queue entity id belongs to (the id itself when it is not a partition).</summary>
    public static string HopOf(string entityId) => Parse(entityId).Hop;

    public override string ToString() => EntityId;
}

/// <summary>
/// Cluster-wide limits split over a hop's partitions: each partition gets a fixed share and the shares add up to the
/// limit, so however the partitions are spread over the nodes, the destination never sees more than the limit.
/// </summary>
public static class PartitionShare
{
    /// <summary>Partition <paramref name="index"/>'s whole share of <paramref name="total"/>; the remainder goes to the first ones.</summary>
    public static int Of(int total, int partitions, int index) =>
        partitions <= 1 ? total : total / partitions + (index < total % partitions ? 1 : 0);

    /// <summary>A rate's share: exactly total / partitions.</summary>
    public static double Of(double total, int partitions) => partitions <= 1 ? total : total / partitions;
}
