namespace MailCluster.Core.Auth;

/// <summary>
/// When failed AUTH attempts lock a client IP or a login out: <paramref name="MaxFailuresPerIp"/> (or per login)
/// failures within <paramref name="Window"/> refuse every further attempt with 454 4.7.0 for <paramref name="Duration"/>,
/// without computing a password hash. 0 failures means no lockout for that subject. Counted across the cluster.
/// </summary>
public sealed record AuthLockoutSettings(int MaxFailuresPerIp, int MaxFailuresPerLogin, TimeSpan Window, TimeSpan Duration)
{
    public static AuthLockoutSettings Default { get; } = new(10, 10, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15));

    public static AuthLockoutSettings None { get; } = new(0, 0, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15));

    public bool Any => MaxFailuresPerIp > 0 || MaxFailuresPerLogin > 0;
}
