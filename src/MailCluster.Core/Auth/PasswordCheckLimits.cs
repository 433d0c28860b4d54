namespace MailCluster.Core.Auth;

/// <summary>The node's bound on password hashes computed at once; see <see cref="PasswordCheckGate"/>.</summary>
/// <param name="MaxConcurrent">Hashes at once.</param>
/// <param name="MaxWaiting">Attempts that may wait for a slot; beyond this, 454 4.7.0 at once.</param>
/// <param name="MaxWait">Longest wait for a slot before 454 4.7.0.</param>
public sealed record PasswordCheckLimits(int MaxConcurrent, int MaxWaiting, TimeSpan MaxWait)
{
    public static PasswordCheckLimits Default => new(PasswordCheckGate.DefaultConcurrency, 32, TimeSpan.FromSeconds(2));

    public PasswordCheckGate CreateGate() => new(MaxConcurrent, MaxWaiting, MaxWait);
}
