namespace MailCluster.Smtp.Protocol;

/// <summary>The reply catalog. Codes follow RFC 5321, enhanced codes RFC 3463 / RFC 5248.</summary>
public static class Replies
{
    public static SmtpReply Greeting(string host) => new(220, null, $"{host} ESMTP MailCluster");
    public static SmtpReply Closing(string host) => new(221, "2.0.0", $"{host} closing connection");
    public static SmtpReply Ok { get; } = new(250, "2.0.0", "Ok");
    public static SmtpReply SenderOk { get; } = new(250, "2.1.0", "Sender ok");
    public static SmtpReply RecipientOk { get; } = new(250, "2.1.5", "Recipient ok");
    public static SmtpReply Queued(string queueId) => new(250, "2.0.0", $"Ok: queued as {queueId}");
    public static SmtpReply ChunkOk(long bytes) => new(250, "2.0.0", $"{bytes} octets received");
    public static SmtpReply StartData { get; } = new(354, null, "End data with <CR><LF>.<CR><LF>");
    public static SmtpReply ReadyToStartTls { get; } = new(220, "2.0.0", "Ready to start TLS");
    public static SmtpReply CannotVerify { get; } = new(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
    public static SmtpReply Help { get; } = new(214, "2.0.0", ["Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS", "See RFC 5321"]);

    public static SmtpReply BadSequence(string why) => new(503, "5.5.1", why);
    public static SmtpReply SyntaxError(string why) => new(501, "5.5.4", why);
    public static SmtpReply UnknownCommand { get; } = new(500, "5.5.2", "Command not recognized");
    public static SmtpReply LineTooLong { get; } = new(500, "5.5.6", "Line too long (limit 1000 octets including CRLF)");
    public static SmtpReply MessageLineTooLong { get; } = new(500, "5.5.6", "Message line too long (limit 1000 octets including CRLF)");
    public static SmtpReply ParameterNotImplemented(string name) => new(555, "5.5.4", $"Parameter {name} not recognized or not implemented");
    public static SmtpReply MessageTooBig(long limit) => new(552, "5.3.4", $"Message size exceeds fixed limit of {limit} octets");
    public static SmtpReply TooManyRecipients { get; } = new(452, "4.5.3", "Too many recipients");
    /// <summary>
    /// The same code past the overshoot limit, where it counts as the client's error. Its own text, so the log tells the
    /// two apart; <see cref="Session.ErrorTarpit.IsClientError"/> tells them apart by instance.
    /// </summary>
    public static SmtpReply TooManyRecipientsOvershoot { get; } = new(452, "4.5.3", "Too many recipients, and too many refused");
    public static SmtpReply AddressRequiresSmtpUtf8 { get; } = new(553, "5.6.7", "Address requires SMTPUTF8");
    public static SmtpReply RelayDenied { get; } = new(554, "5.7.1", "Relay access denied");
    public static SmtpReply BareLineEnding { get; } = new(521, "5.5.2", "Bare <CR> or <LF> in message data; lines must end in <CR><LF>");
    public static SmtpReply BareLineEndingInChunk { get; } = new(550, "5.6.0", "Bare <CR> or <LF> in message data; lines must end in <CR><LF>");
    public static SmtpReply NoValidTransaction { get; } = new(503, "5.5.1", "No valid transaction in progress");
    public static SmtpReply TlsNotAvailable { get; } = new(454, "4.7.0", "TLS not available");
    public static SmtpReply AlreadyTls { get; } = new(503, "5.5.1", "TLS already active");
    public static SmtpReply AuthNotAvailable { get; } = new(503, "5.5.1", "AUTH not available on this listener");
    public static SmtpReply AuthRequiresTls { get; } = new(538, "5.7.11", "Encryption required for requested authentication mechanism");
    public static SmtpReply UnknownAuthMechanism { get; } = new(504, "5.5.4", "Unrecognized authentication type");
    public static SmtpReply AuthSucceeded { get; } = new(235, "2.7.0", "Authentication successful");
    public static SmtpReply AuthFailed { get; } = new(535, "5.7.8", "Authentication credentials invalid");
    /// <summary>RFC 4954 454: the client IP or the login failed too often; no password is checked until the lockout ends.</summary>
    public static SmtpReply AuthLockedOut { get; } = new(454, "4.7.0", "Temporary authentication failure: too many failed attempts, try again later");
    /// <summary>RFC 4954 454: every password-check slot is busy.</summary>
    public static SmtpReply AuthBusy { get; } = new(454, "4.7.0", "Temporary authentication failure: server busy, try again later");
    public static SmtpReply AuthTemporaryFailure { get; } = new(454, "4.7.0", "Temporary authentication failure");
    public static SmtpReply AuthCancelled { get; } = new(501, "5.0.0", "Authentication cancelled");
    public static SmtpReply AuthMalformed { get; } = new(501, "5.5.2", "Cannot decode authentication response");
    public static SmtpReply PolicyUnavailable { get; } = new(451, "4.3.0", "Temporary policy failure, try again later");
    public static SmtpReply TooManyConnectionsFromIp { get; } = new(421, "4.7.0", "Too many connections from your address, try again later");
    public static SmtpReply StorageUnavailable { get; } = new(451, "4.3.0", "Temporary storage failure, message not accepted; try again later");
    /// <summary>The store has no space left (a full disk): still temporary, the client keeps the message and retries.</summary>
    public static SmtpReply InsufficientStorage { get; } = new(452, "4.3.1", "Insufficient system storage, message not accepted; try again later");
    public static SmtpReply StorageBusy { get; } = new(451, "4.3.0", "Storage is busy, message not accepted; try again later");
    public static SmtpReply ServiceBusy(string host) => new(421, "4.3.2", $"{host} service busy, storage is behind; try again later");
    public static SmtpReply TooManyErrors { get; } = new(421, "4.7.0", "Too many errors, closing connection");
    public static SmtpReply Timeout(string host) => new(421, "4.4.2", $"{host} timeout exceeded, closing connection");
    public static SmtpReply ShuttingDown(string host) => new(421, "4.3.2", $"{host} service shutting down, closing connection");
}
