namespace MailCluster.Cluster.Hosting.Formation;

/// <summary>
/// mailcluster.cluster.formation-lease: a node may form a new cluster (join itself as the first seed) only when no
/// cluster has renewed the lease in the shared database within <paramref name="Ttl"/>.
/// </summary>
public sealed record FormationLeaseSettings(bool Enabled, TimeSpan Ttl)
{
    public static readonly FormationLeaseSettings Default = new(true, TimeSpan.FromSeconds(30));

    /// <summary>Members renew three times per TTL, so two lost renewals in a row still keep it.</summary>
    public TimeSpan RenewEvery => Ttl / 3;
}
