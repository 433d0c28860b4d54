namespace MailCluster.Cluster.Serialization;

/// <summary>
/// Marks a message that is persisted or crosses nodes. Such types are bound to <see cref="MailClusterSerializer"/>
/// and must have an entry in <see cref="MessageManifests"/>; nothing falls back to the type-name based default.
/// </summary>
public interface IMailClusterMessage;
