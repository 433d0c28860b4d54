namespace MailCluster.Cluster.Logging.Recent;

/// <summary>
/// The last refusals this node's sessions made, for the dashboard's policy page: every "policy" line whose verdict is
/// not permit, every "reject" (protocol refusals such as a bare LF) and every "auth_lockout". Bounded; oldest dropped.
/// </summary>
public sealed class RecentRefusalsLog(int capacity = 2_000)
{
    private readonly Queue<TracedEvent> _lines = new();

    public void Add(TracedEvent line)
    {
        var refusal = line.Event switch
        {
            MailEvents.Policy => line.Fields.GetValueOrDefault("verdict") is { } verdict && verdict != "permit",
            MailEvents.Reject or MailEvents.AuthLockout => true,
            _ => false,
        };
        if (!refusal) return;
        _lines.Enqueue(line);
        while (_lines.Count > capacity) _lines.Dequeue();
    }

    public IReadOnlyList<TracedEvent> All() => _lines.ToList();
}
