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
/// The state of one next-hop queue, rebuilt from its events. Applying an event is idempotent, because ingress may
/// resend an enqueue whose acknowledgement it never saw, and entries are keyed by (queue id, recipient).
/// </summary>
public sealed partial class QueueState
{
    private readonly Dictionary<string, QueuedMessage> _messages = new(StringComparer.Ordinal);

    public IReadOnlyCollection<QueuedMessage> Messages => _messages.Values;
    public int MessageCount => _messages.Count;
    public bool IsEmpty => _messages.Count == 0;
    public string? LastError { get; private set; }

    public QueuedMessage? Find(string queueId) => _messages.GetValueOrDefault(queueId);

    public bool Contains(string queueId, string recipient) =>
        _messages.TryGetValue(queueId, out var m) && m.Recipients.ContainsKey(recipient);

    public void Apply(IQueueEvent e)
    {
        switch (e)
        {
            case EntriesAdded added:
                foreach (var entry in added.Entries) Add(entry);
                break;
            case RecipientsDelivered delivered:
                Remove(delivered.QueueId, delivered.Recipients);
                break;
            case RecipientsDeferred deferred:
                LastError = deferred.Error;
                Update(deferred.QueueId, deferred.Recipients, r => r with
                {
                    Attempts = r.Attempts + 1, NextAttemptAt = deferred.NextAttemptAt, LastError = deferred.Error,
                });
                break;
            case RecipientsFailed failed:
                foreach (var f in failed.Recipients)
                {
                    LastError = f.Diagnostic;
                    Update(failed.QueueId, [f.Recipient], r => r with
                    {
                        Attempts = r.Attempts + (failed.Expired ? 0 : 1), Failure = f, Expired = failed.Expired, LastError = f.Diagnostic,
                    });
                }
                break;
            case BounceQueued bounced:
                Remove(bounced.QueueId, bounced.Recipients);
                break;
            case DelayWarningQueued warned:
                Update(warned.QueueId, warned.Recipients, r => r with { DelayWarned = true });
                break;
            case MessagesHeld held:
                SetHeld(held.QueueIds, true);
                break;
            case MessagesReleased released:
                SetHeld(released.QueueIds, false);
                break;
            case MessagesDeleted deleted:
                foreach (var id in deleted.QueueIds) _messages.Remove(id);
                break;
            case MessagesFlushed flushed:
                foreach (var m in flushed.QueueIds is null ? _messages.Values.ToList() : Select(flushed.QueueIds))
                    Update(m.QueueId, m.Recipients.Keys.ToList(), r => r.Pending ? r with { NextAttemptAt = flushed.At } : r);
                break;
        }
    }

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

    public static QueueState FromSnapshot(QueueSnapshot snapshot)
    {
        var state = new QueueState { LastError = snapshot.LastError };
        foreach (var m in snapshot.Messages)
            state._messages[m.QueueId] = new QueuedMessage(m.QueueId, m.Sender, m.ArrivedAt, m.Size, m.Held,
                m.Recipients.ToDictionary(r => r.Recipient, StringComparer.Ordinal));
        return state;
    }

    private static bool IsDue(RecipientProgress r, DateTimeOffset now) => r.NextAttemptAt is null || r.NextAttemptAt <= now;

    private void Add(QueueEntry entry)
    {
        if (!_messages.TryGetValue(entry.QueueId, out var m))
            m = new QueuedMessage(entry.QueueId, entry.Sender, entry.ArrivedAt, entry.Size, false,
                new Dictionary<string, RecipientProgress>(StringComparer.Ordinal));
        if (m.Recipients.ContainsKey(entry.Recipient)) return;
        var recipients = new Dictionary<string, RecipientProgress>(m.Recipients, StringComparer.Ordinal)
        {
            [entry.Recipient] = new(entry.Recipient, entry.OriginalRecipient),
        };
        _messages[entry.QueueId] = m with { Recipients = recipients };
    }

    private void Remove(string queueId, IReadOnlyList<string> recipients)
    {
        if (!_messages.TryGetValue(queueId, out var m)) return;
        var left = m.Recipients.Where(kv => !recipients.Contains(kv.Key)).ToDictionary(StringComparer.Ordinal);
        if (left.Count == 0) _messages.Remove(queueId);
        else _messages[queueId] = m with { Recipients = left };
    }

    private void Update(string queueId, IReadOnlyList<string> recipients, Func<RecipientProgress, RecipientProgress> change)
    {
        if (!_messages.TryGetValue(queueId, out var m)) return;
        var updated = new Dictionary<string, RecipientProgress>(m.Recipients, StringComparer.Ordinal);
        foreach (var r in recipients)
            if (updated.TryGetValue(r, out var p)) updated[r] = change(p);
        _messages[queueId] = m with { Recipients = updated };
    }

    private void SetHeld(IReadOnlyList<string> queueIds, bool held)
    {
        foreach (var id in queueIds)
            if (_messages.TryGetValue(id, out var m)) _messages[id] = m with { Held = held };
    }
}
