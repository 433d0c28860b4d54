namespace MailCluster.Core.Bounce;

/// <summary>What a delivery status notification reports on: one message, one or more recipients.</summary>
/// <param name="ReportingMta">Our host name: Reporting-MTA, the MAILER-DAEMON address and the Message-Id domain.</param>
/// <param name="OriginalQueueId">Our queue id of the original message, shown as X-MailCluster-Queue-ID ("" for none).</param>
/// <param name="OriginalSender">The envelope sender of the original; the DSN goes there. Never "" (see <see cref="DsnPolicy"/>).</param>
/// <param name="OriginalContent">The original message; only its header block is returned.</param>
/// <param name="IsDelayWarning">A "still trying" warning (Action: delayed) rather than a bounce (Action: failed).</param>
/// <param name="EnvelopeId">The sender's RFC 3461 ENVID, echoed as Original-Envelope-Id when given.</param>
public sealed record DsnReport(
    string ReportingMta,
    string OriginalQueueId,
    string OriginalSender,
    DateTimeOffset ArrivalDate,
    IReadOnlyList<DsnRecipient> Recipients,
    ReadOnlyMemory<byte> OriginalContent,
    bool IsDelayWarning,
    string? EnvelopeId = null)
{
    /// <summary>
    /// A notice to the postmaster that a notification (mail from &lt;&gt;) could not be delivered (Postfix's double
    /// bounce); <see cref="OriginalSender"/> is then the postmaster's address.
    /// </summary>
    public bool IsDoubleBounce { get; init; }
}
