namespace MailCluster.Cluster.Queue;

/// <summary>
/// Entries this queue finished recently, remembered for a while after their spool rows were retired. An enqueue that
/// arrives late (resent by ingress after a lost acknowledgement) or a spool read that raced the retirement would
/// otherwise bring a delivered message back, and it would be delivered twice.
/// </summary>
public sealed class RetiredEntries(TimeSpan rememberFor)
{
    private readonly HashSet<(string QueueId, string Recipient)> _keys = [];
    private readonly Queue<(string QueueId, string Recipient, DateTimeOffset At)> _byAge = new();

    public int Count => _keys.Count;

    public bool Contains(string queueId, string recipient) => _keys.Contains((queueId, recipient));

    public void Add(string queueId, IEnumerable<string> recipients, DateTimeOffset now)
    {
        Forget(now);
        foreach (var r in recipients)
            if (_keys.Add((queueId, r))) _byAge.Enqueue((queueId, r, now));
    }

    /// <summary>Drops what was retired longer ago than the window.</summary>
    public void Forget(DateTimeOffset now)
    {
        while (_byAge.TryPeek(out var oldest) && now - oldest.At > rememberFor)
        {
            _byAge.Dequeue();
            _keys.Remove((oldest.QueueId, oldest.Recipient));
        }
    }
}
