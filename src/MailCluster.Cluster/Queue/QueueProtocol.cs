using MailCluster.Cluster.Serialization;

namespace MailCluster.Cluster.Queue;

/// <summary>Everything addressed to one next-hop queue; <see cref="HopKey"/> is the sharded entity id.</summary>
public interface IQueueCommand : IMailClusterMessage
{
    string HopKey { get; }
}

/// <summary>One recipient of one message, waiting for one next hop. Identity is (QueueId, Recipient).</summary>
public sealed record QueueEntry(
    string QueueId,
    string Recipient,
    string OriginalRecipient,
    string Sender,
    DateTimeOffset ArrivedAt,
    long Size);

/// <summary>Ingress sends this once the entries are in the spool (and 250 is on its way). Safe to resend.</summary>
/// <param name="TraceParent">The acceptance span (W3C traceparent), so the queue's and the attempts' spans join the message's trace.</param>
public sealed record EnqueueRecipients(string HopKey, IReadOnlyList<QueueEntry> Entries, string? TraceParent = null) : IQueueCommand;

public sealed record RecipientsAccepted(string HopKey, string QueueId, int Count) : IMailClusterMessage;

// ---- operations (admin API, mailctl) ----

public sealed record GetQueueEntries(string HopKey) : IQueueCommand;

public sealed record QueueEntryView(
    string QueueId,
    string Recipient,
    string Sender,
    DateTimeOffset ArrivedAt,
    string State,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    string? LastError);

public sealed record QueueEntries(string HopKey, IReadOnlyList<QueueEntryView> Entries) : IMailClusterMessage;

public sealed record GetQueueSummary(string HopKey) : IQueueCommand;

public sealed record QueueSummary(
    string HopKey,
    int Active,
    int Deferred,
    int Held,
    int InFlight,
    DateTimeOffset? OldestArrival,
    string? LastError) : IMailClusterMessage;

/// <summary>Retry now: every deferred entry (or those of the given messages) becomes due.</summary>
public sealed record FlushQueue(string HopKey, IReadOnlyList<string>? QueueIds = null) : IQueueCommand;

public sealed record HoldMessages(string HopKey, IReadOnlyList<string> QueueIds) : IQueueCommand;

public sealed record ReleaseMessages(string HopKey, IReadOnlyList<string> QueueIds) : IQueueCommand;

/// <summary>Removes entries without delivery and without a bounce (postsuper -d).</summary>
public sealed record DeleteMessages(string HopKey, IReadOnlyList<string> QueueIds) : IQueueCommand;

/// <summary>
/// Read this queue's entries from the spool and take in any it does not know: sent when a node restarts or leaves, and
/// by ingress when an enqueue went unacknowledged. Answered with <see cref="QueueCommandDone"/> (entries found).
/// </summary>
public sealed record ReconcileQueue(string HopKey) : IQueueCommand;

public sealed record QueueCommandDone(string HopKey, int Affected) : IMailClusterMessage;
