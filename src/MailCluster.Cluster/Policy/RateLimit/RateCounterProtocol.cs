using MailCluster.Cluster.Serialization;

namespace MailCluster.Cluster.Policy.RateLimit;

/// <summary>
/// Count <paramref name="Units"/> against <paramref name="Subject"/> ("ip:192.0.2.1/messages", "user:alice/recipients").
/// One sharded entity per subject, so every node counts into the same place.
/// </summary>
public sealed record CountHit(string Subject, int Units, int LimitPerMinute) : IMailClusterMessage;

public sealed record HitCounted(string Subject, bool Allowed, double RatePerMinute) : IMailClusterMessage;
