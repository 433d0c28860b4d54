namespace MailCluster.Smtp.Session;

/// <summary>
/// Postfix-style error handling: after the soft limit every error reply is delayed, at the hard limit the
/// session is closed with 421. Slows down dictionary attacks and broken clients without blocking a thread.
/// </summary>
public static class ErrorTarpit
{
    public static TimeSpan DelayBeforeReply(SmtpSession session, SessionLimits limits) =>
        session.ErrorCount > limits.SoftErrorLimit ? limits.ErrorDelay : TimeSpan.Zero;

    public static bool MustDisconnect(SmtpSession session, SessionLimits limits) =>
        session.ErrorCount >= limits.HardErrorLimit;
}
