namespace MailCluster.Bench.Send;

/// <summary>Outcome tallies shared by all workers (and read by the progress reporter), updated lock-free.</summary>
public sealed class SendCounters
{
    private long _accepted, _rejected4xx, _rejected5xx, _connectionErrors;
    private string? _firstError;

    public long Accepted => Interlocked.Read(ref _accepted);
    public long Rejected4xx => Interlocked.Read(ref _rejected4xx);
    public long Rejected5xx => Interlocked.Read(ref _rejected5xx);
    public long ConnectionErrors => Interlocked.Read(ref _connectionErrors);
    public long Completed => Accepted + Rejected4xx + Rejected5xx + ConnectionErrors;

    /// <summary>The first failure text, kept so the summary says why things failed without flooding stderr.</summary>
    public string? FirstError => Volatile.Read(ref _firstError);

    public void Record(MessageOutcome outcome, string? error = null)
    {
        switch (outcome)
        {
            case MessageOutcome.Accepted: Interlocked.Increment(ref _accepted); break;
            case MessageOutcome.Rejected4xx: Interlocked.Increment(ref _rejected4xx); break;
            case MessageOutcome.Rejected5xx: Interlocked.Increment(ref _rejected5xx); break;
            case MessageOutcome.ConnectionError: Interlocked.Increment(ref _connectionErrors); break;
        }
        if (error is not null) Interlocked.CompareExchange(ref _firstError, error, null);
    }
}
