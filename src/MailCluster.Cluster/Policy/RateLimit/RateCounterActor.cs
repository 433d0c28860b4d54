using Akka.Actor;
using Akka.Cluster.Sharding;
using MailCluster.Core.Auth;
using MailCluster.Core.Policy;

namespace MailCluster.Cluster.Policy.RateLimit;

/// <summary>
/// The cluster-wide counter for one subject: a per-minute rate (MAIL/RCPT limits) or failed AUTH attempts and their
/// lockout. Not persistent: after a crash a client starts with a clean slate, which errs toward delivering mail.
/// It stops itself once nothing it counts is left (a lockout in force keeps it alive until it ends).
/// </summary>
public sealed class RateCounterActor : ReceiveActor
{
    private readonly RateWindow _window = new();
    private AuthFailureTracker? _authFailures;
    private TimeSpan _authWindow;

    public RateCounterActor()
    {
        Receive<CountHit>(hit =>
        {
            var now = DateTimeOffset.UtcNow;
            var allowed = _window.TryHit(now, hit.Units, hit.LimitPerMinute);
            Sender.Tell(new HitCounted(hit.Subject, allowed, _window.Rate(now)));
        });
        Receive<GetAuthLockout>(get =>
        {
            var now = DateTimeOffset.UtcNow;
            Sender.Tell(new AuthLockoutState(get.Subject, _authFailures?.LockedUntil(now), false,
                _authFailures?.Failures(now, _authWindow) ?? 0));
        });
        Receive<CountAuthFailure>(failure =>
        {
            _authFailures ??= new AuthFailureTracker();
            _authWindow = failure.Window;
            var outcome = _authFailures.RecordFailure(DateTimeOffset.UtcNow, failure.MaxFailures, failure.Window, failure.Duration);
            Sender.Tell(new AuthLockoutState(failure.Subject, outcome.LockedUntil, outcome.LockedNow, outcome.Failures));
        });
        Receive<ReceiveTimeout>(_ =>
        {
            var now = DateTimeOffset.UtcNow;
            if (_window.IsIdle(now) && (_authFailures?.IsIdle(now, _authWindow) ?? true))
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
        Context.SetReceiveTimeout(TimeSpan.FromMinutes(3));
    }

    public const string TypeName = "rate-counter";

    public static IActorRef StartSharding(ActorSystem system, int maxShards) =>
        ClusterSharding.Get(system).Start(TypeName, Props.Create<RateCounterActor>(), ClusterShardingSettings.Create(system),
            new Extractor(maxShards));

    private sealed class Extractor(int maxShards) : HashCodeMessageExtractor(maxShards)
    {
        public override string EntityId(object message) => message switch
        {
            CountHit hit => hit.Subject,
            GetAuthLockout get => get.Subject,
            CountAuthFailure failure => failure.Subject,
            _ => null!,
        };
    }
}
