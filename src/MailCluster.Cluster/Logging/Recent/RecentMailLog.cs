using System.Globalization;
using Akka.Actor;

namespace MailCluster.Cluster.Logging.Recent;

/// <summary>
/// This node's recent mail log, written by <see cref="MailLog"/> itself as it publishes each line, and read by
/// <see cref="RecentMailLogActor"/> for the admin API. Written directly, under a lock, rather than by an actor subscribed
/// to the event stream: that subscription sent every mail-log line through a mailbox and a dispatcher wake-up, and
/// cost the relay benchmark 40% at one connection at a time (docs/BENCHMARKS.md).
/// </summary>
public sealed class RecentMailLog : IExtension
{
    private readonly Lock _gate = new();
    private readonly MailTraceIndex _index = new();
    private readonly RecentRefusalsLog _refusals = new();

    /// <summary>The node's mail hostname, set when the node starts; lines carry it so the cluster's view can say who logged them.</summary>
    public string Node { get; set; } = "";

    public static RecentMailLog Get(ActorSystem system) => system.WithExtension<RecentMailLog, RecentMailLogExtension>();

    public void Add(string level, MailEvent mail)
    {
        var fields = new Dictionary<string, string>(mail.Count);
        foreach (var (key, value) in mail)
            if (key != "event") fields.TryAdd(key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
        var line = new TracedEvent(DateTimeOffset.UtcNow, Node, level, mail.Name, fields);
        lock (_gate)
        {
            _index.Add(line);
            _refusals.Add(line);
        }
    }

    public IReadOnlyList<TracedEvent> For(string queueId)
    {
        lock (_gate) return _index.For(queueId);
    }

    public IReadOnlyList<TracedEvent> Refusals()
    {
        lock (_gate) return _refusals.All();
    }
}

public sealed class RecentMailLogExtension : ExtensionIdProvider<RecentMailLog>
{
    public override RecentMailLog CreateExtension(ExtendedActorSystem system) => new();
}
