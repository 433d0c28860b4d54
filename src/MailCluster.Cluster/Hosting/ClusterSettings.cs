namespace MailCluster.Cluster.Hosting;

/// <summary>mailcluster.cluster: this node's remoting address and the seeds it joins. No seeds: it forms a cluster of one.</summary>
public sealed record ClusterSettings(string Hostname, int Port, IReadOnlyList<string> SeedNodes);
