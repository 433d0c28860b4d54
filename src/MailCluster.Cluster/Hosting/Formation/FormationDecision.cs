namespace MailCluster.Cluster.Hosting.Formation;

/// <summary>
/// Which seeds a starting node joins. Akka lets only the first seed of a node's own list form a new cluster, after the
/// others did not answer within seed-node-timeout. A restarted first seed that cannot reach the others (a network
/// partition: the split-brain resolver downed it, it exited and was restarted) would so form a second cluster on the
/// same database, and two clusters would run the same queues at once. While the lease says a cluster is alive, the
/// node joins the others only and never itself.
/// </summary>
public static class FormationDecision
{
    /// <param name="leaseAge">How long ago any cluster member last renewed the lease; null if none ever did.</param>
    public static IReadOnlyList<string> SeedsToJoin(IReadOnlyList<string> seeds, string self, TimeSpan? leaseAge, TimeSpan ttl) =>
        MayForm(leaseAge, ttl) ? seeds : seeds.Where(s => !SameAddress(s, self)).ToList();

    public static bool MayForm(TimeSpan? leaseAge, TimeSpan ttl) => leaseAge is not { } age || age > ttl;

    public static bool SameAddress(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
