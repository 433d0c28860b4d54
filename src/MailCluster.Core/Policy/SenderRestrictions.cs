using MailCluster.Core.Auth;

namespace MailCluster.Core.Policy;

/// <summary>
/// MAIL FROM checks. The sender address never authorizes anything; these rules only take authority away:
/// submission needs AUTH, an authenticated user may be held to its own addresses, and nobody untrusted may
/// claim to be one of our own domains.
/// </summary>
public static class SenderRestrictions
{
    public static PolicyVerdict Evaluate(PolicyRequest request, RelayPolicyRules rules, ListenerPolicy listener, UserDirectory users)
    {
        var trusted = rules.Mynetworks.Contains(request.ClientIp);
        var authenticated = request.AuthenticatedUser is not null;
        if (listener.RequireAuth && !authenticated)
            return new Reject(PolicyReplies.AuthenticationRequired, "require-auth");
        if (request.Sender.IsNull) return new Permit("null-sender");
        if (authenticated && listener.EnforceSenderLogin && !users.MayUseSender(request.AuthenticatedUser!, request.Sender.Address))
            return new Reject(PolicyReplies.SenderNotOwned, "reject-sender-login-mismatch");
        if (!authenticated && !trusted && listener.RejectLocalSenderSpoofing && rules.IsLocalDomain(request.Sender.Domain))
            return new Reject(PolicyReplies.LocalSenderSpoofed, "reject-unauthenticated-local-sender");
        return new Permit("sender-ok");
    }
}
