using MailCluster.Cluster.Serialization;

namespace MailCluster.Cluster.Logging.Recent;

/// <summary>Asks one node's recent-mail-log actor for what its mail log said about a queue id.</summary>
public sealed record GetMailTrace(string QueueId) : IMailClusterMessage;

/// <summary>One node's mail-log lines about a queue id (and the session that sent it), oldest first.</summary>
public sealed record MailTrace(string Node, IReadOnlyList<TracedEvent> Events) : IMailClusterMessage;

/// <summary>One mail-log line: when, on which node, its level, its event name and its fields as text.</summary>
public sealed record TracedEvent(DateTimeOffset At, string Node, string Level, string Event, IReadOnlyDictionary<string, string> Fields);

/// <summary>Asks one node for the refusals its sessions made lately (policy rejects and defers, protocol rejects).</summary>
public sealed record GetRecentRefusals : IMailClusterMessage;

/// <summary>One node's recent refusals, oldest first.</summary>
public sealed record RecentRefusals(string Node, IReadOnlyList<TracedEvent> Events) : IMailClusterMessage;
