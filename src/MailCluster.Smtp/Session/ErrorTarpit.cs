using MailCluster.Smtp.Protocol;

namespace MailCluster.Smtp.Session;

/// <summary>
/// Postfix-style error handling: after the soft limit every error reply is delayed, at the hard limit the
/// session is closed with 421. Slows down dictionary attacks and broken clients without blocking a thread.
/// </summary>
public static class ErrorTarpit
{
    /// <summary>
    /// Whether a refusal is the client's error. Not the 452 4.5.3 for recipients beyond the limit: that limit is the
    /// server's, and RFC 5321 4.5.3.1.10 expects the client to send the rest in a later transaction. Counting it cut
    /// off a client sending 121 RCPTs to a limit of 100 with 421, and lost the 100 recipients already accepted.
    /// </summary>
    /// By instance: SmtpReply's record equality compares its line list by reference, so an equal-looking reply is not equal.
    public static bool IsClientError(SmtpReply reply) => reply.Code >= 400 && !ReferenceEquals(reply, Replies.TooManyRecipients);

    public static TimeSpan DelayBeforeReply(SmtpSession session, SessionLimits limits) =>
        session.ErrorCount > limits.SoftErrorLimit ? limits.ErrorDelay : TimeSpan.Zero;

    public static bool MustDisconnect(SmtpSession session, SessionLimits limits) =>
        session.ErrorCount >= limits.HardErrorLimit;
}
