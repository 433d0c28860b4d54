using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using MailCluster.Core.Spool;

namespace MailCluster.Cluster.Queue.Reconcile;

/// <summary>
/// Finds spool rows no queue was told of. Ingress tells a queue of its entries only after the commit, so a node that
/// dies between the two leaves rows behind; so does a notice lost on the way. When this node starts and whenever a
/// node leaves the cluster, every queue that owns rows in the spool is asked to read them (<see cref="ReconcileQueue"/>).
/// </summary>
public sealed class QueueReconcilerActor : ReceiveActor, IWithTimers
{
    private sealed record Sweep;

    private sealed record KeysListed(IReadOnlyList<string> Keys);

    private sealed record ListFailed(string Reason);

    /// <summary>After a node leaves, its shards move first; a sweep then reaches the queues where they now live.</summary>
    private static readonly TimeSpan AfterMemberRemoved = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(10);

    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ITimerScheduler Timers { get; set; } = null!;

    public QueueReconcilerActor(IMessageSpool spool, IActorRef queues)
    {
        Receive<Sweep>(_ => spool.ListQueueKeysAsync().PipeTo(Self,
            success: keys => new KeysListed(keys), failure: ex => new ListFailed(ex.GetBaseException().Message)));
        Receive<KeysListed>(listed =>
        {
            foreach (var key in listed.Keys) queues.Tell(new ReconcileQueue(key));
            if (listed.Keys.Count > 0) _log.Info("asked {0} queues to reconcile with the spool", listed.Keys.Count);
        });
        Receive<ListFailed>(failed =>
        {
            _log.Warning("could not list the spool's queues, will retry: {0}", failed.Reason);
            Timers.StartSingleTimer("sweep", new Sweep(), RetryAfterFailure);
        });
        Receive<ClusterEvent.MemberRemoved>(_ => Timers.StartSingleTimer("sweep", new Sweep(), AfterMemberRemoved));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
    }

    public static Props Props(IMessageSpool spool, IActorRef queues) => Akka.Actor.Props.Create(() => new QueueReconcilerActor(spool, queues));

    protected override void PreStart()
    {
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));
        Self.Tell(new Sweep());
    }

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
}
