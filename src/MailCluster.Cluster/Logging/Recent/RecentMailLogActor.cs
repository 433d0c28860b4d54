using System.Globalization;
using Akka.Actor;
using Akka.Event;

namespace MailCluster.Cluster.Logging.Recent;

/// <summary>
/// This node's recent mail log: listens on the event stream (what <see cref="MailLog"/> publishes) and answers
/// <see cref="GetMailTrace"/> from a <see cref="MailTraceIndex"/> and <see cref="GetRecentRefusals"/> from a
/// <see cref="RecentRefusalsLog"/>. One per node, at /user/recent-mail-log, so the admin API of any node can ask every member.
/// </summary>
public sealed class RecentMailLogActor : ReceiveActor
{
    public const string Name = "recent-mail-log";

    private readonly MailTraceIndex _index = new();
    private readonly RecentRefusalsLog _refusals = new();

    public RecentMailLogActor(string node)
    {
        Receive<LogEvent>(e => e.Message is MailEvent, e =>
        {
            var line = Trace(node, e, (MailEvent)e.Message);
            _index.Add(line);
            _refusals.Add(line);
        });
        Receive<GetMailTrace>(get => Sender.Tell(new MailTrace(node, _index.For(get.QueueId))));
        Receive<GetRecentRefusals>(_ => Sender.Tell(new RecentRefusals(node, _refusals.All())));
    }

    public static Props Props(string node) => Akka.Actor.Props.Create(() => new RecentMailLogActor(node));

    protected override void PreStart()
    {
        foreach (var level in new[] { typeof(Info), typeof(Warning), typeof(Error) }) Context.System.EventStream.Subscribe(Self, level);
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private static TracedEvent Trace(string node, LogEvent e, MailEvent mail) =>
        new(new DateTimeOffset(DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc)), node, e.LogLevel().ToString().Replace("Level", ""), mail.Name,
            mail.Where(f => f.Key != "event").DistinctBy(f => f.Key).ToDictionary(f => f.Key, f => Convert.ToString(f.Value, CultureInfo.InvariantCulture) ?? ""));
}
