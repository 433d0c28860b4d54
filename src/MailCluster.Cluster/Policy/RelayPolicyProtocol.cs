using System.Net;
using MailCluster.Core.Policy;

namespace MailCluster.Cluster.Policy;

/// <summary>Messages of the relay-policy actor. Every check is answered with a <see cref="PolicyVerdict"/>.</summary>
public static class RelayPolicyProtocol
{
    public sealed record CheckSender(string Listener, PolicyRequest Request);
    public sealed record CheckRecipient(string Listener, PolicyRequest Request);

    /// <summary>Answered with <see cref="AuthenticationResult"/>. The password is never logged or kept.</summary>
    /// <param name="ClientIp">Counted for the brute-force lockout, as is the login.</param>
    /// <param name="SessionId">Joins a lockout log line to the session that caused it.</param>
    public sealed record Authenticate(string Login, string Password, IPAddress ClientIp, string SessionId = "")
    {
        public override string ToString() => $"Authenticate {{ Login = {Login}, Password = ***, ClientIp = {ClientIp} }}";
    }

    public sealed record AuthenticationResult(AuthOutcome Outcome, string Login)
    {
        public bool Succeeded => Outcome == AuthOutcome.Succeeded;
    }

    public enum AuthOutcome
    {
        Succeeded,
        /// <summary>Wrong login or password (535 5.7.8).</summary>
        Failed,
        /// <summary>The client IP or the login is locked out after too many failures; no password was checked (454 4.7.0).</summary>
        LockedOut,
        /// <summary>Every password-check slot was taken and the wait line full or too slow (454 4.7.0).</summary>
        Busy,
        /// <summary>The lockout counters did not answer; the attempt is not let in unchecked (454 4.7.0).</summary>
        Unavailable,
    }

    /// <summary>Replaces the policy; sessions in progress use it from their next command. Answered with <see cref="PolicyReloaded"/>.</summary>
    public sealed record ReloadPolicy(PolicySnapshot Policy);
    public sealed record PolicyReloaded;

    public sealed record GetPolicy;
}
