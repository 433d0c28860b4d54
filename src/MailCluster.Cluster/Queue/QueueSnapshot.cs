using MailCluster.Cluster.Serialization;

namespace MailCluster.Cluster.Queue;

/// <summary>A queue's whole state, so recovery replays only the events after it.</summary>
public sealed record QueueSnapshot(IReadOnlyList<QueueSnapshot.Message> Messages, string? LastError) : IMailClusterMessage
{
    public sealed record Message(string QueueId, string Sender, DateTimeOffset ArrivedAt, long Size, bool Held,
        IReadOnlyList<RecipientProgress> Recipients);
}
