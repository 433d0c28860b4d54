using MailCluster.Cluster.Serialization;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// A queue's whole state, so recovery replays only the events after it. <see cref="Retiring"/> lists recipients that
/// were finished (deleted, bounced, delivered) but whose spool rows were not yet retired: the snapshot deletes the
/// events that said so, and without them a restart would read those rows back as fresh entries.
/// </summary>
public sealed record QueueSnapshot(IReadOnlyList<QueueSnapshot.Message> Messages, string? LastError,
    IReadOnlyList<QueueSnapshot.Retirement>? Retiring = null) : IMailClusterMessage
{
    public sealed record Message(string QueueId, string Sender, DateTimeOffset ArrivedAt, long Size, bool Held,
        IReadOnlyList<RecipientProgress> Recipients);

    public sealed record Retirement(string QueueId, IReadOnlyList<string> Recipients);
}
