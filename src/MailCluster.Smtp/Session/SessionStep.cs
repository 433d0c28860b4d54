using MailCluster.Smtp.Protocol;

namespace MailCluster.Smtp.Session;

/// <summary>What the connection must do after a command, besides sending <see cref="SessionStep.Reply"/>.</summary>
public abstract record SessionAction
{
    public static SessionAction None { get; } = new NoAction();
    public static SessionAction Close { get; } = new CloseAction();
}
public sealed record NoAction : SessionAction;
public sealed record CloseAction : SessionAction;
/// <summary>Send the reply, then switch the connection to TLS and discard anything already buffered.</summary>
public sealed record StartTlsAction : SessionAction;
/// <summary>Ask the relay policy about the recipient; the reply comes from its verdict.</summary>
public sealed record AuthorizeRecipientAction(MailPath Recipient) : SessionAction;
/// <summary>Ask the relay policy about MAIL FROM; the transaction starts only on a permit.</summary>
public sealed record AuthorizeSenderAction(MailCommand Mail) : SessionAction;
/// <summary>Run the SASL exchange for <paramref name="Mechanism"/> (already known to be supported).</summary>
public sealed record AuthenticateAction(string Mechanism, string? InitialResponse) : SessionAction;
/// <summary>Send 354 and read a dot-terminated body.</summary>
public sealed record ReceiveDataAction : SessionAction;
/// <summary>Read exactly <paramref name="Size"/> octets. If <paramref name="RefuseAfterRead"/> is set, discard them and send it.</summary>
public sealed record ReceiveChunkAction(long Size, bool Last, SmtpReply? RefuseAfterRead) : SessionAction;

/// <summary>The outcome of one command: the next session state, the reply (if any yet) and the action.</summary>
public sealed record SessionStep(SmtpSession Session, SmtpReply? Reply, SessionAction Action);
