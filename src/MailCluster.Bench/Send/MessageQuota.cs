namespace MailCluster.Bench.Send;

/// <summary>The shared pool of N message attempts; a failed attempt uses up its slot, which bounds retries.</summary>
public sealed class MessageQuota(int total)
{
    private long _claimed;

    public bool TryClaim(out long index)
    {
        index = Interlocked.Increment(ref _claimed);
        return index <= total;
    }
}
