using MailCluster.Smtp.Protocol;

namespace MailCluster.Smtp.Session;

/// <summary>
/// The RFC 5321 command state table. Pure: (session, command) → (session', reply, action).
/// Error counting is applied here so every refusal of a client error counts toward the tarpit and the hard limit.
/// </summary>
public static class SessionStateTable
{
    public static SessionStep Handle(SmtpSession session, SmtpCommand command, SessionLimits limits)
    {
        var step = Decide(session, command, limits);
        return step.Reply is { } reply && ErrorTarpit.IsClientError(reply) ? CountError(step) : step;
    }

    /// <summary>The reply and session after the relay policy has answered an <see cref="AuthorizeRecipientAction"/>.</summary>
    public static SessionStep RecipientVerdict(SmtpSession session, MailPath recipient, SmtpReply? refusal)
    {
        if (refusal is not null) return CountError(new SessionStep(session, refusal, SessionAction.None));
        var tx = session.Transaction!;
        var next = session with { Transaction = tx with { Recipients = tx.Recipients.Add(recipient) } };
        return new SessionStep(next, Replies.RecipientOk, SessionAction.None);
    }

    /// <summary>The reply and session after the relay policy has answered an <see cref="AuthorizeSenderAction"/>.</summary>
    public static SessionStep SenderVerdict(SmtpSession session, MailCommand mail, SmtpReply? refusal)
    {
        if (refusal is not null) return CountError(new SessionStep(session, refusal, SessionAction.None));
        return new SessionStep(session with { Transaction = MailTransaction.Start(mail.ReversePath, mail.Parameters) },
            Replies.SenderOk, SessionAction.None);
    }

    /// <summary>After a successful AUTH (RFC 4954: 235 2.7.0).</summary>
    public static SessionStep Authenticated(SmtpSession session, string login) =>
        new(session with { AuthenticatedUser = login }, Replies.AuthSucceeded, SessionAction.None);

    /// <summary>Ends the transaction after the message was stored or refused (DATA end or BDAT LAST).</summary>
    public static SmtpSession EndTransaction(SmtpSession session) => session with { Transaction = null };

    /// <summary>Counts an error reply that came from outside the table (data faults, storage failures).</summary>
    public static SmtpSession WithError(SmtpSession session) => session with { ErrorCount = session.ErrorCount + 1 };

    private static SessionStep CountError(SessionStep step) =>
        step with { Session = WithError(step.Session) };

    private static SessionStep Decide(SmtpSession s, SmtpCommand command, SessionLimits limits) => command switch
    {
        EhloCommand ehlo => Reply(s with { HeloName = ehlo.Domain, Esmtp = true, Transaction = null }, EhloReply(s, limits)),
        HeloCommand helo => Reply(s with { HeloName = helo.Domain, Esmtp = false, Transaction = null },
            new SmtpReply(250, null, limits.HostName)),
        MailCommand mail => Mail(s, mail, limits),
        RcptCommand rcpt => Rcpt(s, rcpt, limits),
        DataCommand => Data(s),
        BdatCommand bdat => Bdat(s, bdat, limits),
        RsetCommand => Reply(s with { Transaction = null }, Replies.Ok),
        NoopCommand => Reply(s, Replies.Ok),
        QuitCommand => new SessionStep(s, Replies.Closing(limits.HostName), SessionAction.Close),
        VrfyCommand => Reply(s, Replies.CannotVerify),
        HelpCommand => Reply(s, Replies.Help),
        StartTlsCommand => StartTls(s, limits),
        AuthCommand auth => Auth(s, auth, limits),
        InvalidCommand invalid => Reply(s, invalid.Reply),
        UnknownCommand => Reply(s, Replies.UnknownCommand),
        _ => Reply(s, Replies.UnknownCommand),
    };

    private static SessionStep Reply(SmtpSession s, SmtpReply reply) => new(s, reply, SessionAction.None);

    private static SmtpReply EhloReply(SmtpSession s, SessionLimits limits)
    {
        var lines = new List<string> { limits.HostName, "PIPELINING", $"SIZE {limits.MaxMessageSize}", "8BITMIME", "SMTPUTF8",
            "ENHANCEDSTATUSCODES", "CHUNKING" };
        if (limits.TlsAvailable && !s.Tls) lines.Add("STARTTLS");
        if (limits.AuthOffered(s)) lines.Add("AUTH " + string.Join(' ', SupportedMechanisms));
        return new SmtpReply(250, null, lines);
    }

    private static SessionStep Mail(SmtpSession s, MailCommand mail, SessionLimits limits)
    {
        if (!s.Greeted) return Reply(s, Replies.BadSequence("Send HELO/EHLO first"));
        if (s.Transaction is not null) return Reply(s, Replies.BadSequence("Nested MAIL command"));
        var p = mail.Parameters;
        if (!s.Esmtp && p != MailParameters.None) return Reply(s, Replies.ParameterNotImplemented("ESMTP parameters require EHLO"));
        if (p.DeclaredSize > limits.MaxMessageSize) return Reply(s, Replies.MessageTooBig(limits.MaxMessageSize));
        if (!p.SmtpUtf8 && !mail.ReversePath.IsAscii) return Reply(s, Replies.AddressRequiresSmtpUtf8);
        return new SessionStep(s, null, new AuthorizeSenderAction(mail));
    }

    private static SessionStep Auth(SmtpSession s, AuthCommand auth, SessionLimits limits)
    {
        if (!limits.AuthOffered(s)) return Reply(s, limits.AuthEnabled ? Replies.AuthRequiresTls : Replies.AuthNotAvailable);
        if (!s.Greeted || !s.Esmtp) return Reply(s, Replies.BadSequence("Send EHLO first"));
        if (s.AuthenticatedUser is not null) return Reply(s, Replies.BadSequence("Already authenticated"));
        if (s.Transaction is not null) return Reply(s, Replies.BadSequence("AUTH not allowed during a mail transaction"));
        if (!SupportedMechanisms.Contains(auth.Mechanism)) return Reply(s, Replies.UnknownAuthMechanism);
        return new SessionStep(s, null, new AuthenticateAction(auth.Mechanism, auth.InitialResponse));
    }

    public static IReadOnlyList<string> SupportedMechanisms { get; } = ["PLAIN", "LOGIN"];

    private static SessionStep Rcpt(SmtpSession s, RcptCommand rcpt, SessionLimits limits)
    {
        if (s.Transaction is not { } tx) return Reply(s, Replies.BadSequence("Need MAIL before RCPT"));
        if (tx.Chunking != ChunkingState.NotStarted) return Reply(s, Replies.BadSequence("RCPT not allowed during BDAT"));
        if (tx.Recipients.Count >= limits.MaxRecipients) return OverLimit(s, tx);
        if (!tx.Parameters.SmtpUtf8 && !rcpt.ForwardPath.IsAscii) return Reply(s, Replies.AddressRequiresSmtpUtf8);
        return new SessionStep(s, null, new AuthorizeRecipientAction(rcpt.ForwardPath));
    }

    /// <summary>
    /// 452 4.5.3 beyond the recipient limit is not the client's error (RFC 5321 4.5.3.1.10), up to
    /// <see cref="SessionLimits.RecipientOvershootLimit"/> of them per transaction; past that, each one counts, so a
    /// client cannot hold a session open with endless refused RCPTs (Postfix's smtpd_recipient_overshoot_limit).
    /// </summary>
    private static SessionStep OverLimit(SmtpSession s, MailTransaction tx)
    {
        var over = tx.RecipientsOverLimit + 1;
        var next = s with { Transaction = tx with { RecipientsOverLimit = over } };
        return Reply(next, over > SessionLimits.RecipientOvershootLimit ? Replies.TooManyRecipientsOvershoot : Replies.TooManyRecipients);
    }

    private static SessionStep Data(SmtpSession s)
    {
        if (s.Transaction is not { } tx) return Reply(s, Replies.BadSequence("Need MAIL command"));
        if (tx.Chunking != ChunkingState.NotStarted) return Reply(s, Replies.BadSequence("DATA not allowed after BDAT"));
        if (tx.Recipients.Count == 0) return Reply(s, Replies.BadSequence("Need RCPT command"));
        return new SessionStep(s, Replies.StartData, new ReceiveDataAction());
    }

    /// <summary>RFC 3030: a BDAT's octets follow the command at once, so they are read even when the command is refused.</summary>
    private static SessionStep Bdat(SmtpSession s, BdatCommand bdat, SessionLimits limits)
    {
        SmtpReply? refusal = null;
        var next = s;
        if (!s.Esmtp) refusal = Replies.BadSequence("BDAT requires EHLO");
        else if (s.Transaction is not { } tx) refusal = Replies.NoValidTransaction;
        else if (tx.Chunking == ChunkingState.Failed) refusal = Replies.NoValidTransaction;
        else if (tx.Recipients.Count == 0) refusal = Replies.BadSequence("Need RCPT command");
        else next = s with { Transaction = tx with { Chunking = ChunkingState.Receiving } };

        if (refusal is not null && bdat.Last && s.Transaction is not null)
            next = s with { Transaction = null };
        var step = new SessionStep(next, null, new ReceiveChunkAction(bdat.Size, bdat.Last, refusal));
        return refusal is null ? step : CountError(step);
    }

    private static SessionStep StartTls(SmtpSession s, SessionLimits limits)
    {
        if (s.Tls) return Reply(s, Replies.AlreadyTls);
        if (!limits.TlsAvailable) return Reply(s, Replies.TlsNotAvailable);
        if (s.Transaction is not null) return Reply(s, Replies.BadSequence("MAIL transaction in progress"));
        // RFC 3207 4.2: the session is reset; the client must send EHLO again.
        return new SessionStep(SmtpSession.New with { Tls = true, ErrorCount = s.ErrorCount }, Replies.ReadyToStartTls, new StartTlsAction());
    }
}
