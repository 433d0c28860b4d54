using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using MailCluster.Cluster.Logging;
using MailCluster.Cluster.Metrics;
using MailCluster.Cluster.Policy.RateLimit;
using MailCluster.Core.Auth;
using static MailCluster.Cluster.Policy.RelayPolicyProtocol;

namespace MailCluster.Cluster.Policy;

/// <summary>
/// One AUTH attempt, for every session of the node (run off the policy actor's thread). A locked-out client IP or
/// login is refused before any password check. The check itself (PBKDF2, deliberately slow) waits for a slot of the
/// node's <see cref="PasswordCheckGate"/>, and a failure is counted in the cluster-wide counters while the slot is
/// still held, so the attempt behind it in line sees a lockout that failure started, and the client's next attempt,
/// on any connection to any node, sees the count.
/// </summary>
internal sealed class AuthAttempts(IActorRef? counters, PasswordCheckGate gate, MailLog mailLog, ILoggingAdapter log)
{
    private static readonly TimeSpan CounterTimeout = TimeSpan.FromSeconds(5);
    private const int KnownLockoutsPurgeThreshold = 10_000;

    /// <summary>Lockouts this node has heard of, so attempts in line (or a guesser that keeps going) cost no round trip.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _knownLockouts = new();

    public async Task<AuthOutcome> AuthenticateAsync(Authenticate request, PolicySnapshot policy)
    {
        var lockout = policy.AuthLockout;
        var subjects = counters is null || !lockout.Any
            ? []
            : AuthLockoutCheck.SubjectsOf(lockout, request.ClientIp, request.Login, policy.Rules.Mynetworks.Contains(request.ClientIp));
        try
        {
            var outcome = await AttemptAsync(request, policy.Users, subjects, lockout);
            if (outcome == AuthOutcome.Failed) log.Debug("auth failed: login={0}", request.Login); // the session logs event=auth
            return outcome;
        }
        catch (Exception ex)
        {
            log.Warning("auth lockout counters unavailable: login={0} client=[{1}]: {2}", request.Login, request.ClientIp, ex.Message);
            return AuthOutcome.Unavailable;
        }
    }

    private async Task<AuthOutcome> AttemptAsync(Authenticate request, UserDirectory users, IReadOnlyList<AuthLockoutSubject> subjects,
        AuthLockoutSettings lockout)
    {
        if (KnownLockout(subjects) is { } known) return RefuseLocked(known);
        if (subjects.Count > 0 && await AuthLockoutCheck.FindLockoutAsync(counters!, subjects, CounterTimeout) is { } locked)
        {
            Remember(locked.Subject, locked.Until);
            return RefuseLocked(locked.Subject);
        }
        using var slot = await gate.TryEnterAsync();
        if (slot is null)
        {
            MailClusterMetrics.AuthRefusedBusy();
            return AuthOutcome.Busy;
        }
        // Locked while this attempt waited in line, by the failures of the checks ahead of it.
        if (KnownLockout(subjects) is { } meanwhile) return RefuseLocked(meanwhile);

        var ok = await slot.RunAsync(() => users.TryAuthenticate(request.Login, request.Password, out _));
        MailClusterMetrics.PasswordChecked();
        if (ok) return AuthOutcome.Succeeded;
        if (subjects.Count == 0) return AuthOutcome.Failed;

        IReadOnlyList<(AuthLockoutSubject Subject, AuthLockoutState State)> counted;
        try { counted = await AuthLockoutCheck.CountFailureAsync(counters!, subjects, lockout, CounterTimeout); }
        catch (Exception ex)
        {
            // The password was wrong whatever the counters say: still 535, only this failure goes uncounted.
            log.Warning("auth failure not counted: login={0} client=[{1}]: {2}", request.Login, request.ClientIp, ex.Message);
            return AuthOutcome.Failed;
        }
        foreach (var (subject, state) in counted)
        {
            if (state.LockedUntil is { } until) Remember(subject, until);
            if (!state.LockedNow) continue;
            MailClusterMetrics.AuthLockout(subject.Scope);
            mailLog.Warning(MailEvents.AuthLockout, ("scope", subject.Scope), ("client_ip", request.ClientIp), ("login", request.Login),
                ("failures", state.Failures), ("until", state.LockedUntil?.ToString("O")), ("session_id", request.SessionId));
        }
        return AuthOutcome.Failed;
    }

    private static AuthOutcome RefuseLocked(AuthLockoutSubject subject)
    {
        MailClusterMetrics.AuthRefusedWhileLocked(subject.Scope);
        return AuthOutcome.LockedOut;
    }

    private AuthLockoutSubject? KnownLockout(IReadOnlyList<AuthLockoutSubject> subjects)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var subject in subjects)
            if (_knownLockouts.TryGetValue(subject.Subject, out var until) && until > now) return subject;
        return null;
    }

    private void Remember(AuthLockoutSubject subject, DateTimeOffset until)
    {
        // Entries are only added by lockouts; purge the ended ones so many locked-out clients cannot grow it without bound.
        if (_knownLockouts.Count >= KnownLockoutsPurgeThreshold)
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var (key, end) in _knownLockouts)
                if (end <= now) _knownLockouts.TryRemove(key, out _);
        }
        _knownLockouts[subject.Subject] = until;
    }
}
