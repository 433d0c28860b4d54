namespace MailCluster.Cluster.Admin;

// JSON shapes of the admin API, shared with mailctl so both sides agree on them.

public sealed record QueueSummaryView(
    string HopKey, int Active, int Deferred, int Held, int Delivering, DateTimeOffset? OldestArrival, double? OldestAgeSeconds, string? LastError);

public sealed record QueueEntryModel(
    string QueueId, string Recipient, string Sender, DateTimeOffset ArrivedAt, string State, int Attempts,
    DateTimeOffset? NextAttemptAt, string? LastError);

public sealed record QueueEntriesView(string HopKey, IReadOnlyList<QueueEntryModel> Entries);

public sealed record HeaderView(string Name, string Value);

public sealed record RecipientStateView(string HopKey, string Recipient, string State, int Attempts, DateTimeOffset? NextAttemptAt, string? LastError);

/// <param name="InSpool">False when only queue entries were found (the body is already gone or not yet visible).</param>
public sealed record MessageView(
    string QueueId, bool InSpool, string? Sender, IReadOnlyList<string> EnvelopeRecipients, string? ClientIp, string? HeloName,
    DateTimeOffset? ReceivedAt, long? Size, IReadOnlyList<RecipientStateView> Recipients, IReadOnlyList<HeaderView> Headers);

/// <summary>What a flush/hold/release/delete did: how many entries changed, in which queues.</summary>
public sealed record OperationResult(string Action, int Affected, IReadOnlyList<string> QueueIds, IReadOnlyList<string> HopKeys);

/// <summary>Selects messages for hold/release/delete by filter; every given criterion must match, and at least one is required.</summary>
/// <param name="Domain">Recipient domain.</param>
/// <param name="Sender">Envelope sender, exactly (case-insensitive); "" selects the null sender &lt;&gt;.</param>
public sealed record MessageFilter(string? Domain, string? Sender, double? OlderThanSeconds);

public sealed record ClusterMemberView(string Address, string Status, IReadOnlyList<string> Roles, bool Reachable, bool IsSelf, bool IsLeader);

public sealed record ShardRegionView(string Address, int Shards, int Entities, IReadOnlyDictionary<string, int> EntitiesPerShard);

public sealed record ClusterView(string Self, IReadOnlyList<ClusterMemberView> Members, IReadOnlyList<ShardRegionView> QueueShards, IReadOnlyList<string> ShardStatsFailedFor);

public sealed record PolicyTestRequest(string? Listener, string? Ip, string? Helo, string? From, IReadOnlyList<string>? To, string? Auth);

public sealed record PolicyTestLine(string Stage, string Address, string Verdict, string Rule, int? Code, string? Enhanced, string? Text);

public sealed record PolicyTestResult(bool Permitted, string? Note, IReadOnlyList<PolicyTestLine> Results);

public sealed record ConfigProblemView(string Severity, string Path, string Reason);

public sealed record ConfigValidateResult(bool Valid, IReadOnlyList<ConfigProblemView> Problems);
