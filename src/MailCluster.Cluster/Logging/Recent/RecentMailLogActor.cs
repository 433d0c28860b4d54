using Akka.Actor;

namespace MailCluster.Cluster.Logging.Recent;

/// <summary>
/// Answers <see cref="GetMailTrace"/> and <see cref="GetRecentRefusals"/> from this node's <see cref="RecentMailLog"/>.
/// One per node, at /user/recent-mail-log, so the admin API of any node can ask every member.
/// </summary>
public sealed class RecentMailLogActor : ReceiveActor
{
    public const string Name = "recent-mail-log";

    public RecentMailLogActor(string node)
    {
        var log = RecentMailLog.Get(Context.System);
        log.Node = node;
        Receive<GetMailTrace>(get => Sender.Tell(new MailTrace(node, log.For(get.QueueId))));
        Receive<GetRecentRefusals>(_ => Sender.Tell(new RecentRefusals(node, log.Refusals())));
    }

    public static Props Props(string node) => Akka.Actor.Props.Create(() => new RecentMailLogActor(node));
}
