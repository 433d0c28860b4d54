namespace MailCluster.Cluster.Hosting;

/// <summary>mailcluster.cluster: this node's remoting address and the seeds it joins. No seeds: it forms a cluster of one.</summary>
public sealed record ClusterSettings(
    string Hostname,
    int Port,
    IReadOnlyList<string> SeedNodes,
    IReadOnlyList<string>? Roles = null,
    string DowningStrategy = "keep-majority",
    TimeSpan? StableAfter = null,
    TimeSpan? DownRemovalMargin = null)
{
    public const string IngressRole = "ingress";
    public const string QueueRole = "queue";

    /// <summary>mailcluster.cluster.formation-lease: used when the cluster has seeds and shares a PostgreSQL.</summary>
    public Formation.FormationLeaseSettings FormationLease { get; init; } = Formation.FormationLeaseSettings.Default;

    public IReadOnlyList<string> EffectiveRoles => Roles ?? [IngressRole, QueueRole];
    public bool IsIngress => EffectiveRoles.Contains(IngressRole);
    public bool IsQueue => EffectiveRoles.Contains(QueueRole);
}
