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

    /// <summary>Waits (bounded) for a slot. Dispose the slot to free it.</summary>
    /// <returns>The slot, or null when the attempt is turned away.</returns>
    public async Task<Slot?> TryEnterAsync()
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
        return new Slot(this);
    }

    /// <summary>Enters, runs <paramref name="check"/> and leaves.</summary>
    /// <returns>The check's result, or null when the attempt was turned away without running it.</returns>
    public async Task<bool?> TryRunAsync(Func<bool> check)
    {
        using var slot = await TryEnterAsync().ConfigureAwait(false);
        return slot is null ? null : await slot.RunAsync(check).ConfigureAwait(false);
    }

    /// <summary>One of the gate's slots, held until disposed: what is done while holding it is ordered with the checks behind it.</summary>
    public sealed class Slot : IDisposable
    {
        private PasswordCheckGate? _gate;

        internal Slot(PasswordCheckGate gate) => _gate = gate;

        /// <summary>Runs the password check on the thread pool.</summary>
        public Task<bool> RunAsync(Func<bool> check)
        {
            var gate = _gate ?? throw new ObjectDisposedException(nameof(Slot));
            Interlocked.Increment(ref gate._computed);
            return Task.Run(check);
        }

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?._slots.Release();
    }
}
