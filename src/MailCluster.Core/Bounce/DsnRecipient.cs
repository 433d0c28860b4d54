namespace MailCluster.Core.Bounce;

/// <summary>One recipient's lines in a DSN (RFC 3464 per-recipient fields).</summary>
/// <param name="FinalRecipient">The address delivery was attempted to (after alias expansion).</param>
/// <param name="OriginalRecipient">The address as given in RCPT TO; shown only when it differs.</param>
/// <param name="Status">RFC 3463 enhanced status, e.g. "5.1.1" or "4.4.1".</param>
/// <param name="Diagnostic">The remote reply or local reason, e.g. "550 5.1.1 no such user".</param>
/// <param name="RemoteMta">The host that gave the reply, if any.</param>
/// <param name="WillRetryUntil">For delay warnings: when the message expires.</param>
public sealed record DsnRecipient(
    string FinalRecipient,
    string? OriginalRecipient,
    string Status,
    string Diagnostic,
    string? RemoteMta,
    DateTimeOffset LastAttempt,
    DateTimeOffset? WillRetryUntil);
