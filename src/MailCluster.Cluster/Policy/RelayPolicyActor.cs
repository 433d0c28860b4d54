using System.Net;
using Akka.Actor;
using Akka.Event;
using MailCluster.Cluster.Logging;
using MailCluster.Cluster.Policy.RateLimit;
using MailCluster.Core.Auth;
using MailCluster.Core.Dnsbl;
using MailCluster.Core.Policy;
using static MailCluster.Cluster.Policy.RelayPolicyProtocol;

namespace MailCluster.Cluster.Policy;

/// <summary>
/// Authorizes every sender and recipient for every session of the node, and logs each decision with the client IP,
/// the addresses, the verdict and the rule. Decisions are pure functions of the current <see cref="PolicySnapshot"/>;
/// the actor adds the slow parts (DNSBL lookups, password hashing) off its own thread and swaps the snapshot on reload.
/// </summary>
public sealed class RelayPolicyActor : ReceiveActor
{
    private readonly Func<DnsblLookupOptions, IDnsblLookup> _createLookup;
    private readonly IActorRef? _rateCounters;
    private readonly AuthAttempts _auth;
    private static readonly TimeSpan RateCounterTimeout = TimeSpan.FromSeconds(5);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<IPAddress, (DnsblResult Result, DateTime Expires)> _dnsblCache = new();
    private PolicySnapshot _policy;
    private IDnsblLookup? _lookup;

    private static readonly TimeSpan DnsblCacheTime = TimeSpan.FromMinutes(1);
    private const int DnsblCachePurgeThreshold = 10_000;

    /// <param name="rateCounters">The sharded rate counters (cluster-wide); null disables rate limits and AUTH lockouts.</param>
    /// <param name="passwordChecks">The node's bound on password hashes at once; one slot per half core when null.</param>
    public static Props Props(PolicySnapshot policy, Func<DnsblLookupOptions, IDnsblLookup> createLookup, IActorRef? rateCounters = null,
        PasswordCheckGate? passwordChecks = null) =>
        Akka.Actor.Props.Create(() => new RelayPolicyActor(policy, createLookup, rateCounters,
            passwordChecks ?? new PasswordCheckGate(PasswordCheckGate.DefaultConcurrency, 32, TimeSpan.FromSeconds(2))));

    public RelayPolicyActor(PolicySnapshot policy, Func<DnsblLookupOptions, IDnsblLookup> createLookup, IActorRef? rateCounters,
        PasswordCheckGate passwordChecks)
    {
        _createLookup = createLookup;
        _rateCounters = rateCounters;
        _auth = new AuthAttempts(rateCounters, passwordChecks, MailLog.For(Context), _log);
        _policy = policy;
        _lookup = policy.Dnsbl is null ? null : createLookup(policy.Dnsbl);

        Receive<CheckSender>(OnCheckSender);
        Receive<CheckRecipient>(OnCheckRecipient);
        Receive<Authenticate>(OnAuthenticate);
        Receive<DnsblLooked>(d =>
        {
            // Expired entries are otherwise only replaced, never removed: purge them so many distinct clients
            // cannot grow the cache without bound.
            if (_dnsblCache.Count >= DnsblCachePurgeThreshold)
            {
                var now = DateTime.UtcNow;
                foreach (var ip in _dnsblCache.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList()) _dnsblCache.Remove(ip);
            }
            _dnsblCache[d.Ip] = (d.Result, DateTime.UtcNow + DnsblCacheTime);
        });
        Receive<ReloadPolicy>(r =>
        {
            _policy = r.Policy;
            _lookup = r.Policy.Dnsbl is null ? null : _createLookup(r.Policy.Dnsbl);
            _dnsblCache.Clear();
            _log.Info("policy reloaded: {0} listener(s), {1} local domain(s), {2} relay domain(s), {3} DNSBL zone(s)",
                r.Policy.Listeners.Count, r.Policy.Rules.LocalDomains.Count, r.Policy.Rules.RelayDomains.Count, r.Policy.DnsblZones.Count);
            Sender.Tell(new PolicyReloaded());
        });
        Receive<GetPolicy>(_ => Sender.Tell(_policy));
    }

    private sealed record DnsblLooked(IPAddress Ip, DnsblResult Result);

    private void OnCheckSender(CheckSender check)
    {
        var verdict = SenderRestrictions.Evaluate(check.Request, _policy.Rules, _policy.For(check.Listener), _policy.Users);
        Reply("MAIL", check.Request, verdict, _policy, Sender);
    }

    private void OnCheckRecipient(CheckRecipient check)
    {
        var policy = _policy;
        var listener = policy.For(check.Listener);
        if (!listener.ChecksDnsbl || _lookup is null || policy.DnsblZones.Count == 0
            || !RecipientRestrictions.NeedsDnsbl(check.Request, policy.Rules, listener.RecipientRestrictions))
        {
            Decide(check.Request, policy, listener, Sender);
            return;
        }
        var ip = check.Request.ClientIp;
        if (_dnsblCache.TryGetValue(ip, out var cached) && cached.Expires > DateTime.UtcNow)
        {
            Decide(check.Request with { Dnsbl = cached.Result }, policy, listener, Sender);
            return;
        }
        var (self, replyTo, lookup) = (Self, Sender, _lookup);
        lookup.CheckAsync(ip, policy.DnsblZones, CancellationToken.None).ContinueWith(t =>
        {
            var result = t.IsCompletedSuccessfully ? t.Result : new LookupFailed(policy.DnsblZones[0].Zone, t.Exception?.GetBaseException().Message ?? "lookup failed");
            if (result is not LookupFailed) self.Tell(new DnsblLooked(ip, result));
            Decide(check.Request with { Dnsbl = result }, policy, listener, replyTo);
        }, TaskScheduler.Default);
    }

    /// <summary>Pure evaluation plus the audit line; safe to call from a lookup continuation (touches no actor state).</summary>
    private void Decide(PolicyRequest request, PolicySnapshot policy, ListenerPolicy listener, IActorRef replyTo)
    {
        var verdict = RecipientRestrictions.Evaluate(request, policy.Rules, listener.RecipientRestrictions);
        Reply("RCPT", request, verdict, policy, replyTo);
    }

    /// <summary>A permit still has to pass the cluster-wide rate limits; everything else is answered as decided.</summary>
    private void Reply(string stage, PolicyRequest request, PolicyVerdict verdict, PolicySnapshot policy, IActorRef replyTo)
    {
        if (verdict is not Permit || _rateCounters is null || !policy.Limits.Any)
        {
            LogDecision(stage, request, verdict);
            replyTo.Tell(verdict);
            return;
        }
        var trusted = policy.Rules.Mynetworks.Contains(request.ClientIp);
        RateLimitCheck.ApplyAsync(_rateCounters, policy.Limits, request, stage == "RCPT", trusted, RateCounterTimeout, verdict)
            .ContinueWith(t =>
            {
                var final = t.IsCompletedSuccessfully ? t.Result : verdict;
                LogDecision(stage, request, final);
                replyTo.Tell(final);
            }, TaskScheduler.Default);
    }

    private void LogDecision(string stage, PolicyRequest r, PolicyVerdict verdict)
    {
        var (kind, reply) = verdict switch
        {
            Reject rej => ("reject", rej.Reply.ToString()),
            Defer def => ("defer", def.Reply.ToString()),
            _ => ("permit", ""),
        };
        // The session logs the verdict with its session id (event=policy); this line is the detail for debugging.
        _log.Debug($"policy {stage}: client=[{r.ClientIp}] helo={r.HeloName} from={r.Sender} to={r.Recipient?.ToString() ?? "-"} " +
                  $"auth={r.AuthenticatedUser ?? "-"} verdict={kind} rule={verdict.Rule} {reply}".TrimEnd());
    }

    private void OnAuthenticate(Authenticate request)
    {
        var (policy, replyTo, auth) = (_policy, Sender, _auth);
        Task.Run(async () => replyTo.Tell(new AuthenticationResult(await auth.AuthenticateAsync(request, policy), request.Login)));
    }
}
