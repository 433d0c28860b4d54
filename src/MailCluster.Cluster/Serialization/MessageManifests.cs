using MailCluster.Cluster.Policy.RateLimit;
using MailCluster.Cluster.Queue;

namespace MailCluster.Cluster.Serialization;

/// <summary>
/// The explicit manifest ↔ type map. Manifests are journaled with every event: never change or reuse one.
/// A new shape of an event gets a new manifest ("qa2") and the old type stays readable.
/// </summary>
public static class MessageManifests
{
    private static readonly (string Manifest, Type Type)[] All =
    [
        // queue events (journaled) and snapshot
        ("qa1", typeof(EntriesAdded)),
        ("qd1", typeof(RecipientsDelivered)),
        ("qr1", typeof(RecipientsDeferred)),
        ("qf1", typeof(RecipientsFailed)),
        ("qb1", typeof(BounceQueued)),
        ("qw1", typeof(DelayWarningQueued)),
        ("qh1", typeof(MessagesHeld)),
        ("qu1", typeof(MessagesReleased)),
        ("qx1", typeof(MessagesDeleted)),
        ("ql1", typeof(MessagesFlushed)),
        ("qs1", typeof(QueueSnapshot)),
        // queue commands and replies (cross nodes through sharding)
        ("QE1", typeof(EnqueueRecipients)),
        ("QA1", typeof(RecipientsAccepted)),
        ("QG1", typeof(GetQueueEntries)),
        ("QL1", typeof(QueueEntries)),
        ("QS1", typeof(GetQueueSummary)),
        ("QM1", typeof(QueueSummary)),
        ("QF1", typeof(FlushQueue)),
        ("QH1", typeof(HoldMessages)),
        ("QR1", typeof(ReleaseMessages)),
        ("QX1", typeof(DeleteMessages)),
        ("QD1", typeof(QueueCommandDone)),
        ("QC1", typeof(ReconcileQueue)),
        // rate limits (sharded counters)
        ("RH1", typeof(CountHit)),
        ("RC1", typeof(HitCounted)),
        // AUTH lockout (the same sharded counters)
        ("AG1", typeof(GetAuthLockout)),
        ("AF1", typeof(CountAuthFailure)),
        ("AS1", typeof(AuthLockoutState)),
        // mail-log traces (admin API asks every member)
        ("MT1", typeof(Logging.Recent.GetMailTrace)),
        ("MU1", typeof(Logging.Recent.MailTrace)),
        ("MR1", typeof(Logging.Recent.GetRecentRefusals)),
        ("MS1", typeof(Logging.Recent.RecentRefusals)),
        // throughput history (admin API asks every member)
        ("HG1", typeof(Admin.History.GetThroughputHistory)),
        ("HH1", typeof(Admin.History.ThroughputHistory)),
    ];

    private static readonly Dictionary<string, Type> ByManifest = All.ToDictionary(x => x.Manifest, x => x.Type);
    private static readonly Dictionary<Type, string> ByType = All.ToDictionary(x => x.Type, x => x.Manifest);

    public static Type? TypeOf(string manifest) => ByManifest.GetValueOrDefault(manifest);

    public static string ManifestOf(Type type) =>
        ByType.TryGetValue(type, out var manifest)
            ? manifest
            : throw new InvalidOperationException($"{type.FullName} is an IMailClusterMessage without a manifest in MessageManifests");

    /// <summary>Every registered type, for the test that round-trips them all.</summary>
    public static IEnumerable<Type> Types => ByType.Keys;
}
