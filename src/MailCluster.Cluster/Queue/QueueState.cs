using System.Collections.Immutable;

namespace MailCluster.Cluster.Queue;

/// <summary>Where a queued recipient stands: still to be delivered, or failed (permanently, or by expiry) and waiting for its bounce.</summary>
public enum RecipientStatus { Pending, Failed, Expired }

/// <summary>One recipient's progress toward its next hop. <see cref="Failure"/> set = failed, waiting for its bounce.</summary>
public sealed record RecipientProgress(
    string Recipient,
    string OriginalRecipient,
    int Attempts = 0,
    DateTimeOffset? NextAttemptAt = null,
    string? LastError = null,
    FailedRecipient? Failure = null,
    bool Expired = false,
    bool DelayWarned = false)
{
    public bool Pending => Failure is null;

    public RecipientStatus Status => Failure is null ? RecipientStatus.Pending : Expired ? RecipientStatus.Expired : RecipientStatus.Failed;

    /// <summary>The failure's enhanced status code, typed; null while pending (or if a remote sent a malformed one).</summary>
    public Decisions.EnhancedStatusCode? FailureCode =>
        Failure is { } f && Decisions.EnhancedStatusCode.TryParse(f.Status, out var code) ? code : null;
}

public sealed record QueuedMessage(
    string QueueId,
    string Sender,
    DateTimeOffset ArrivedAt,
    long Size,
    bool Held,
    IReadOnlyDictionary<string, RecipientProgress> Recipients);

/// <summary>
/// The state of one next-hop queue, rebuilt from its events. Immutable: <see cref="Apply"/> returns the next state, so
/// the decisions over it (<see cref="Decisions.QueueDecider"/>) are plain functions and the actor holds one reference.
/// Applying an event is idempotent, because ingress may resend an enqueue whose acknowledgement it never saw, and
/// entries are keyed by (queue id, recipient).
/// </summary>
public sealed partial class QueueState
{
    private static readonly ImmutableDictionary<string, QueuedMessage> NoMessages =
        ImmutableDictionary<string, QueuedMessage>.Empty.WithComparers(StringComparer.Ordinal);

    // Here, not in the recovery part: static initializers of partial files run in no defined order.
    private static readonly ImmutableDictionary<string, ImmutableList<IQueueEvent>> NoAwaitedEvents =
        ImmutableDictionary<string, ImmutableList<IQueueEvent>>.Empty.WithComparers(StringComparer.Ordinal);

    public static readonly QueueState Empty = new(NoMessages, NoAwaitedEvents, null);

    private readonly ImmutableDictionary<string, QueuedMessage> _messages;

    private QueueState(ImmutableDictionary<string, QueuedMessage> messages,
        ImmutableDictionary<string, ImmutableList<IQueueEvent>> awaitingSpool, string? lastError)
    {
        _messages = messages;
        _awaitingSpool = awaitingSpool;
        LastError = lastError;
    }

    public IEnumerable<QueuedMessage> Messages => _messages.Values;
    public int MessageCount => _messages.Count;
    public bool IsEmpty => _messages.Count == 0;
    public string? LastError { get; }

    public QueuedMessage? Find(string queueId) => _messages.GetValueOrDefault(queueId);

    public bool Contains(string queueId, string recipient) =>
        _messages.TryGetValue(queueId, out var m) && m.Recipients.ContainsKey(recipient);

    public QueueState Apply(IQueueEvent e) => e switch
    {
        EntriesAdded added => With(added.Entries.Aggregate(_messages, Add)),
        RecipientsDelivered delivered => With(Remove(_messages, delivered.QueueId, delivered.Recipients)),
        RecipientsDeferred deferred => With(Update(_messages, deferred.QueueId, deferred.Recipients, r => r with
        {
            Attempts = r.Attempts + 1, NextAttemptAt = deferred.NextAttemptAt, LastError = deferred.Error,
        }), deferred.Error),
        RecipientsFailed failed => With(failed.Recipients.Aggregate(_messages, (messages, f) => Update(messages, failed.QueueId, [f.Recipient],
            r => r with
            {
                Attempts = r.Attempts + (failed.Expired ? 0 : 1), Failure = f, Expired = failed.Expired, LastError = f.Diagnostic,
            })), failed.Recipients.LastOrDefault()?.Diagnostic ?? LastError),
        BounceQueued bounced => With(Remove(_messages, bounced.QueueId, bounced.Recipients)),
        DelayWarningQueued warned => With(Update(_messages, warned.QueueId, warned.Recipients, r => r with { DelayWarned = true })),
        MessagesHeld held => With(SetHeld(_messages, held.QueueIds, true)),
        MessagesReleased released => With(SetHeld(_messages, released.QueueIds, false)),
        MessagesDeleted deleted => With(_messages.RemoveRange(deleted.QueueIds)),
        MessagesFlushed flushed => With((flushed.QueueIds is null ? Messages : Select(flushed.QueueIds)).Aggregate(_messages,
            (messages, m) => Update(messages, m.QueueId, m.Recipients.Keys.ToList(), r => r.Pending ? r with { NextAttemptAt = flushed.At } : r))),
        _ => this,
    };

    /// <summary>Messages with a pending recipient that is due, skipping held and in-flight ones.</summary>
    /// Not sorted: a hot queue asks this after every delivery, and a full sort each time would be quadratic.
    public IEnumerable<QueuedMessage> Due(DateTimeOffset now, IReadOnlySet<string> inFlight) =>
        _messages.Values
            .Where(m => !m.Held && !inFlight.Contains(m.QueueId) && m.Recipients.Values.Any(r => r.Pending && IsDue(r, now)));

    public static IReadOnlyList<RecipientProgress> DueRecipients(QueuedMessage m, DateTimeOffset now) =>
        m.Recipients.Values.Where(r => r.Pending && IsDue(r, now)).ToList();

    /// <summary>When the next deferred entry becomes due, so the queue can sleep until then.</summary>
    public DateTimeOffset? NextWakeUp()
    {
        DateTimeOffset? earliest = null;
        foreach (var m in _messages.Values)
        {
            if (m.Held) continue;
            foreach (var r in m.Recipients.Values)
            {
                if (!r.Pending) continue;
                var at = r.NextAttemptAt ?? DateTimeOffset.MinValue;
                if (earliest is null || at < earliest) earliest = at;
            }
        }
        return earliest;
    }

    /// <summary>Messages with failed recipients whose bounce is not yet queued.</summary>
    public IEnumerable<QueuedMessage> AwaitingBounce() =>
        _messages.Values.Where(m => m.Recipients.Values.Any(r => !r.Pending));

    public IEnumerable<QueuedMessage> Select(IEnumerable<string> queueIds) =>
        queueIds.Distinct().Select(id => _messages.GetValueOrDefault(id)).OfType<QueuedMessage>();

    public QueueSnapshot ToSnapshot() => new(_messages.Values.Select(m => new QueueSnapshot.Message(
        m.QueueId, m.Sender, m.ArrivedAt, m.Size, m.Held, m.Recipients.Values.ToList())).ToList(), LastError);

    public static QueueState FromSnapshot(QueueSnapshot snapshot) => new(
        NoMessages.SetItems(snapshot.Messages.Select(m => KeyValuePair.Create(m.QueueId, new QueuedMessage(m.QueueId, m.Sender,
            m.ArrivedAt, m.Size, m.Held, m.Recipients.ToDictionary(r => r.Recipient, StringComparer.Ordinal))))),
        NoAwaitedEvents, snapshot.LastError);

    private QueueState With(ImmutableDictionary<string, QueuedMessage> messages, string? lastError) =>
        ReferenceEquals(messages, _messages) && lastError == LastError ? this : new(messages, _awaitingSpool, lastError);

    private QueueState With(ImmutableDictionary<string, QueuedMessage> messages) => With(messages, LastError);

    private static bool IsDue(RecipientProgress r, DateTimeOffset now) => r.NextAttemptAt is null || r.NextAttemptAt <= now;

    private static ImmutableDictionary<string, QueuedMessage> Add(ImmutableDictionary<string, QueuedMessage> messages, QueueEntry entry)
    {
        if (!messages.TryGetValue(entry.QueueId, out var m))
            m = new QueuedMessage(entry.QueueId, entry.Sender, entry.ArrivedAt, entry.Size, false,
                new Dictionary<string, RecipientProgress>(StringComparer.Ordinal));
        if (m.Recipients.ContainsKey(entry.Recipient)) return messages;
        var recipients = new Dictionary<string, RecipientProgress>(m.Recipients, StringComparer.Ordinal)
        {
            [entry.Recipient] = new(entry.Recipient, entry.OriginalRecipient),
        };
        return messages.SetItem(entry.QueueId, m with { Recipients = recipients });
    }

    private static ImmutableDictionary<string, QueuedMessage> Remove(ImmutableDictionary<string, QueuedMessage> messages, string queueId,
        IReadOnlyList<string> recipients)
    {
        if (!messages.TryGetValue(queueId, out var m)) return messages;
        var left = m.Recipients.Where(kv => !recipients.Contains(kv.Key)).ToDictionary(StringComparer.Ordinal);
        return left.Count == 0 ? messages.Remove(queueId) : messages.SetItem(queueId, m with { Recipients = left });
    }

    private static ImmutableDictionary<string, QueuedMessage> Update(ImmutableDictionary<string, QueuedMessage> messages, string queueId,
        IReadOnlyList<string> recipients, Func<RecipientProgress, RecipientProgress> change)
    {
        if (!messages.TryGetValue(queueId, out var m)) return messages;
        var updated = new Dictionary<string, RecipientProgress>(m.Recipients, StringComparer.Ordinal);
        foreach (var r in recipients)
            if (updated.TryGetValue(r, out var p)) updated[r] = change(p);
        return messages.SetItem(queueId, m with { Recipients = updated });
    }

    private static ImmutableDictionary<string, QueuedMessage> SetHeld(ImmutableDictionary<string, QueuedMessage> messages,
        IReadOnlyList<string> queueIds, bool held) =>
        queueIds.Aggregate(messages, (all, id) => all.TryGetValue(id, out var m) ? all.SetItem(id, m with { Held = held }) : all);
}
