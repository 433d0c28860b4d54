namespace MailCluster.Core.Delivery.Local;

/// <summary>
/// The recipient cannot name a mailbox on this file system ("../etc", a control character, ...). Permanent:
/// the caller fails the recipient with <see cref="EnhancedStatus"/> instead of retrying.
/// Contrast with <see cref="IOException"/> (disk full, permission denied), which is worth retrying.
/// </summary>
public sealed class InvalidMailboxException(string recipient, string reason)
    : Exception($"'{recipient}' cannot be delivered to a mailbox: {reason}.")
{
    public string Recipient { get; } = recipient;
    public string Reason { get; } = reason;

    /// <summary>RFC 3463 5.1.3: bad destination mailbox address syntax.</summary>
    public string EnhancedStatus => "5.1.3";
}
