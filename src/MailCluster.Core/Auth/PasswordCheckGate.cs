namespace MailCluster.Core.Auth;

/// <summary>
/// Bounds the password hashes (PBKDF2, about 60 ms of CPU each) a node computes at once, so AUTH guesses can never
/// take every core from the SMTP sessions. An attempt that finds every slot taken waits briefly in a bounded line;
/// beyond it, or after waiting too long, it is turned away (the caller answers 454 4.7.0) instead of queueing CPU work.
/// </summary>
public sealed class PasswordCheckGate
{
    private readonly SemaphoreSlim _slots;
    private readonly int _maxWaiting;
    private readonly TimeSpan _maxWait;
    private int _waiting;
    private long _computed;

    /// <param name="maxConcurrent">Hashes at once; see <see cref="DefaultConcurrency"/>.</param>
    /// <param name="maxWaiting">Attempts that may wait for a slot; 0 turns away any attempt that finds none free.</param>
    /// <param name="maxWait">Longest wait for a slot.</param>
    public PasswordCheckGate(int maxConcurrent, int maxWaiting, TimeSpan maxWait)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxWaiting);
        MaxConcurrent = maxConcurrent;
        _slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);
        _maxWaiting = maxWaiting;
        _maxWait = maxWait;
    }

    /// <summary>Half the cores, at least one: the other half stays with the SMTP sessions.</summary>
    public static int DefaultConcurrency => Math.Max(1, Environment.ProcessorCount / 2);

    public int MaxConcurrent { get; }

    /// <summary>Password checks computed since start: tests use it to prove a refused attempt cost no hash.</summary>
    public long Computed => Interlocked.Read(ref _computed);

    /// <summary>Runs <paramref name="check"/> on the thread pool once a slot is free.</summary>
    /// <returns>The check's result, or null when the attempt was turned away without running it.</returns>
    public async Task<bool?> TryRunAsync(Func<bool> check)
    {
        if (!_slots.Wait(0))
        {
            if (Interlocked.Increment(ref _waiting) > _maxWaiting)
            {
                Interlocked.Decrement(ref _waiting);
                return null;
            }
            bool acquired;
            try { acquired = await _slots.WaitAsync(_maxWait).ConfigureAwait(false); }
            finally { Interlocked.Decrement(ref _waiting); }
            if (!acquired) return null;
        }
        try
        {
            Interlocked.Increment(ref _computed);
            return await Task.Run(check).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }
}
