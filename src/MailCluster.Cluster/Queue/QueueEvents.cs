using MailCluster.Cluster.Serialization;

namespace MailCluster.Cluster.Queue;

/// <summary>Journaled facts about a next-hop queue. Bodies never go here: they stay in the spool.</summary>
public interface IQueueEvent : IMailClusterMessage;

public sealed record EntriesAdded(IReadOnlyList<QueueEntry> Entries) : IQueueEvent;

public sealed record RecipientsDelivered(string QueueId, IReadOnlyList<string> Recipients, DateTimeOffset At) : IQueueEvent;

public sealed record RecipientsDeferred(string QueueId, IReadOnlyList<string> Recipients, string Error,
    DateTimeOffset NextAttemptAt, DateTimeOffset At) : IQueueEvent;

public sealed record FailedRecipient(string Recipient, string Status, string Diagnostic, string? RemoteMta);

/// <summary>Permanent failure or expiry. The entries stay until their bounce is queued (<see cref="BounceQueued"/>).</summary>
public sealed record RecipientsFailed(string QueueId, IReadOnlyList<FailedRecipient> Recipients, bool Expired,
    DateTimeOffset At) : IQueueEvent;

/// <summary>The DSN for these failed recipients is durably queued (or none was due), so they can go.</summary>
public sealed record BounceQueued(string QueueId, IReadOnlyList<string> Recipients, string? BounceQueueId) : IQueueEvent;

public sealed record DelayWarningQueued(string QueueId, IReadOnlyList<string> Recipients) : IQueueEvent;

public sealed record MessagesHeld(IReadOnlyList<string> QueueIds) : IQueueEvent;

public sealed record MessagesReleased(IReadOnlyList<string> QueueIds) : IQueueEvent;

public sealed record MessagesDeleted(IReadOnlyList<string> QueueIds) : IQueueEvent;

public sealed record MessagesFlushed(IReadOnlyList<string>? QueueIds, DateTimeOffset At) : IQueueEvent;
