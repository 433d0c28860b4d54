using MailCluster.Core.Policy;

namespace MailCluster.Cluster.Policy;

/// <summary>Messages of the relay-policy actor. Every check is answered with a <see cref="PolicyVerdict"/>.</summary>
public static class RelayPolicyProtocol
{
    public sealed record CheckSender(string Listener, PolicyRequest Request);
    public sealed record CheckRecipient(string Listener, PolicyRequest Request);

    /// <summary>Answered with <see cref="AuthenticationResult"/>. The password is never logged or kept.</summary>
    public sealed record Authenticate(string Login, string Password)
    {
        public override string ToString() => $"Authenticate {{ Login = {Login}, Password = *** }}";
    }
    public sealed record AuthenticationResult(bool Succeeded, string Login);

    /// <summary>Replaces the policy; sessions in progress use it from their next command. Answered with <see cref="PolicyReloaded"/>.</summary>
    public sealed record ReloadPolicy(PolicySnapshot Policy);
    public sealed record PolicyReloaded;

    public sealed record GetPolicy;
}
