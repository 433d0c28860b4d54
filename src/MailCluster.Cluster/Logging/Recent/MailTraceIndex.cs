namespace MailCluster.Cluster.Logging.Recent;

/// <summary>
/// The recent mail log by queue id, in memory and bounded, so a message's life can be shown without a log collector.
/// A session's lines (connect, helo, policy, auth) carry only session_id; "accepted" carries both ids, so the session's
/// lines up to then are copied to the message: its trace starts at the client's connect. A DSN's own trace starts at
/// "dsn_queued" of the original. The oldest queue ids are dropped first.
/// </summary>
public sealed class MailTraceIndex(int maxMessages = 20_000, int maxEventsPerId = 200, int maxSessions = 5_000)
{
    private readonly Dictionary<string, List<TracedEvent>> _byQueueId = new(StringComparer.Ordinal);
    private readonly Queue<string> _queueIdAge = new();
    private readonly Dictionary<string, List<TracedEvent>> _bySession = new(StringComparer.Ordinal);
    private readonly Queue<string> _sessionAge = new();

    public void Add(TracedEvent line)
    {
        var queueId = line.Fields.GetValueOrDefault("queue_id");
        var sessionId = line.Fields.GetValueOrDefault("session_id");
        if (queueId is null)
        {
            if (sessionId is not null) Append(_bySession, _sessionAge, maxSessions, sessionId, line);
            return;
        }
        if (line.Event == MailEvents.Accepted && sessionId is not null && _bySession.TryGetValue(sessionId, out var session))
            foreach (var earlier in session) Append(_byQueueId, _queueIdAge, maxMessages, queueId, earlier);
        Append(_byQueueId, _queueIdAge, maxMessages, queueId, line);
        if (line.Fields.GetValueOrDefault("dsn_queue_id") is { } dsn) Append(_byQueueId, _queueIdAge, maxMessages, dsn, line);
    }

    public IReadOnlyList<TracedEvent> For(string queueId) =>
        _byQueueId.TryGetValue(queueId, out var lines) ? lines.ToList() : [];

    private void Append(Dictionary<string, List<TracedEvent>> index, Queue<string> age, int max, string id, TracedEvent line)
    {
        if (!index.TryGetValue(id, out var lines))
        {
            index[id] = lines = [];
            age.Enqueue(id);
            while (age.Count > max) index.Remove(age.Dequeue());
        }
        if (lines.Count < maxEventsPerId) lines.Add(line);
    }
}
