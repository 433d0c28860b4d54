namespace MailCluster.Core.Bounce;

/// <summary>Whether a failed message is reported back to its sender at all.</summary>
public static class DsnPolicy
{
    /// <summary>
    /// False only for the null sender "" (RFC 5321 4.5.5: notifications are sent with it and must never be answered,
    /// or two broken systems bounce at each other forever). Everything else is bounced, MAILER-DAEMON-looking names
    /// included: those are ordinary addresses, and guessing from the local part would lose real mail.
    /// </summary>
    public static bool ShouldBounce(string sender) => !string.IsNullOrWhiteSpace(sender) && sender.Trim() != "<>";
}
