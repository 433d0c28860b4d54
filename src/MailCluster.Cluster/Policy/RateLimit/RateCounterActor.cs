using Akka.Actor;
using Akka.Cluster.Sharding;
using MailCluster.Core.Policy;

namespace MailCluster.Cluster.Policy.RateLimit;

/// <summary>
/// The cluster-wide counter for one subject. Not persistent: after a crash a client starts with a clean slate, which
/// errs toward delivering mail. It stops itself once its window has been empty for a while.
/// </summary>
public sealed class RateCounterActor : ReceiveActor
{
    private readonly RateWindow _window = new();

    public RateCounterActor()
    {
        Receive<CountHit>(hit =>
        {
            var now = DateTimeOffset.UtcNow;
            var allowed = _window.TryHit(now, hit.Units, hit.LimitPerMinute);
            Sender.Tell(new HitCounted(hit.Subject, allowed, _window.Rate(now)));
        });
        Receive<ReceiveTimeout>(_ =>
        {
            if (_window.IsIdle(DateTimeOffset.UtcNow)) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
        Context.SetReceiveTimeout(TimeSpan.FromMinutes(3));
    }

    public const string TypeName = "rate-counter";

    public static IActorRef StartSharding(ActorSystem system, int maxShards) =>
        ClusterSharding.Get(system).Start(TypeName, Props.Create<RateCounterActor>(), ClusterShardingSettings.Create(system),
            new Extractor(maxShards));

    private sealed class Extractor(int maxShards) : HashCodeMessageExtractor(maxShards)
    {
        public override string EntityId(object message) => (message as CountHit)?.Subject!;
    }
}
