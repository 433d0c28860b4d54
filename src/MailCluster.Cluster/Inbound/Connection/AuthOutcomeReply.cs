using MailCluster.Cluster.Policy;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Cluster.Inbound.Connection;

/// <summary>
/// What a session answers to an AUTH outcome other than success, the result word its auth log line carries, and
/// whether the reply counts as a session error (tarpitted, and cut off at hard-error-limit): a wrong password does, and
/// so does an attempt during a lockout, since a client that keeps going is still guessing; the server's own trouble does not.
/// </summary>
public sealed record AuthOutcomeReply(SmtpReply Reply, string LogResult, bool CountsAsError)
{
    public static AuthOutcomeReply For(RelayPolicyProtocol.AuthOutcome outcome) => outcome switch
    {
        RelayPolicyProtocol.AuthOutcome.Failed => new(Replies.AuthFailed, "failed", true),
        RelayPolicyProtocol.AuthOutcome.LockedOut => new(Replies.AuthLockedOut, "locked", true),
        RelayPolicyProtocol.AuthOutcome.Busy => new(Replies.AuthBusy, "busy", false),
        _ => new(Replies.AuthTemporaryFailure, "tempfail", false),
    };
}
