namespace MailCluster.Cluster.Inbound.Connection;

/// <summary>
/// Node-wide count of finished messages whose durable write (spool fsync and queue journaling) has not completed yet.
/// It is the ingress's back-pressure: once <see cref="Limit"/> writes are outstanding, the store is not keeping up, and
/// sessions refuse new bodies (451 4.3.0 to DATA/BDAT) and new connections (421 4.3.2) instead of buffering mail in
/// memory without bound. Writes already started always finish or fail on their own; none is dropped here.
/// </summary>
public sealed class PendingWrites(int limit)
{
    private int _count;

    public int Limit { get; } = limit;
    public int Count => Volatile.Read(ref _count);
    public bool Saturated => Count >= Limit;

    /// <summary>Counts one write until the returned handle is disposed (once; later disposals do nothing).</summary>
    public IDisposable Begin()
    {
        Interlocked.Increment(ref _count);
        return new Handle(this);
    }

    private sealed class Handle(PendingWrites owner) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0) Interlocked.Decrement(ref owner._count);
        }
    }
}
