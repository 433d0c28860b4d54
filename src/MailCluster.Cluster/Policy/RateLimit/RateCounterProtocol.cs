using MailCluster.Cluster.Serialization;

namespace MailCluster.Cluster.Policy.RateLimit;

/// <summary>
/// Count <paramref name="Units"/> against <paramref name="Subject"/> ("ip:192.0.2.1/messages", "user:alice/recipients").
/// One sharded entity per subject, so every node counts into the same place.
/// </summary>
public sealed record CountHit(string Subject, int Units, int LimitPerMinute) : IMailClusterMessage;

public sealed record HitCounted(string Subject, bool Allowed, double RatePerMinute) : IMailClusterMessage;

/// <summary>Is <paramref name="Subject"/> ("auth-ip:192.0.2.1", "auth-login:alice") locked out? Answered with <see cref="AuthLockoutState"/>.</summary>
public sealed record GetAuthLockout(string Subject) : IMailClusterMessage;

/// <summary>One failed AUTH attempt for <paramref name="Subject"/>; the one reaching <paramref name="MaxFailures"/> within
/// <paramref name="Window"/> locks it for <paramref name="Duration"/>. Answered with <see cref="AuthLockoutState"/>.</summary>
public sealed record CountAuthFailure(string Subject, int MaxFailures, TimeSpan Window, TimeSpan Duration) : IMailClusterMessage;

/// <param name="LockedUntil">The end of the lockout in force, or null when attempts may go ahead.</param>
/// <param name="LockedNow">The failure just counted started the lockout.</param>
/// <param name="Failures">Failures within the window (after the one just counted).</param>
public sealed record AuthLockoutState(string Subject, DateTimeOffset? LockedUntil, bool LockedNow, int Failures) : IMailClusterMessage;
