using System.Globalization;
using Akka.Actor;
using Akka.Event;

namespace MailCluster.Cluster.Logging.Trace;

/// <summary>
/// Listens to this node's mail log on the event stream (what <see cref="MailLog"/> publishes) and answers
/// <see cref="GetMailTrace"/> from a <see cref="MailTraceIndex"/>. One per node, at /user/mail-trace, so the admin API of
/// any node can ask every member.
/// </summary>
public sealed class MailTraceActor : ReceiveActor
{
    public const string Name = "mail-trace";

    private readonly MailTraceIndex _index = new();

    public MailTraceActor(string node)
    {
        Receive<LogEvent>(e => e.Message is MailEvent mail, e => _index.Add(Trace(node, e, (MailEvent)e.Message)));
        Receive<GetMailTrace>(get => Sender.Tell(new MailTrace(node, _index.For(get.QueueId))));
    }

    public static Props Props(string node) => Akka.Actor.Props.Create(() => new MailTraceActor(node));

    protected override void PreStart()
    {
        foreach (var level in new[] { typeof(Info), typeof(Warning), typeof(Error) }) Context.System.EventStream.Subscribe(Self, level);
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private static TracedEvent Trace(string node, LogEvent e, MailEvent mail) =>
        new(new DateTimeOffset(DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc)), node, e.LogLevel().ToString().Replace("Level", ""), mail.Name,
            mail.Where(f => f.Key != "event").DistinctBy(f => f.Key).ToDictionary(f => f.Key, f => Convert.ToString(f.Value, CultureInfo.InvariantCulture) ?? ""));
}
