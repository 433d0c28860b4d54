using MailCluster.Smtp.Protocol;
using MailCluster.Smtp.Session;

namespace MailCluster.Smtp.Tests;

public class StateTableTests
{
    private static readonly SessionLimits Limits = SessionLimits.Default with
    {
        HostName = "mx.test", MaxMessageSize = 1000, MaxRecipients = 2, TlsAvailable = true,
        SoftErrorLimit = 2, HardErrorLimit = 4, ErrorDelay = TimeSpan.FromSeconds(5),
    };

    private static SessionStep Step(SmtpSession session, string line, SessionLimits? limits = null) =>
        SessionStateTable.Handle(session, SmtpCommandParser.Parse(Bytes.Of(line)), limits ?? Limits);

    /// <summary>Runs lines in order, permitting every sender and recipient the table asks the policy about.</summary>
    private static SessionStep Run(SmtpSession session, SessionLimits? limits, params string[] lines)
    {
        SessionStep step = new(session, null, SessionAction.None);
        foreach (var line in lines)
        {
            step = Step(step.Session, line, limits);
            if (step.Action is AuthorizeRecipientAction authorize)
            {
                Assert.Null(step.Reply);
                step = SessionStateTable.RecipientVerdict(step.Session, authorize.Recipient, null);
            }
            else if (step.Action is AuthorizeSenderAction mail)
            {
                Assert.Null(step.Reply);
                step = SessionStateTable.SenderVerdict(step.Session, mail.Mail, null);
            }
        }
        return step;
    }

    private static SessionStep Run(params string[] lines) => Run(SmtpSession.New, null, lines);

    private static void AssertReply(SessionStep step, int code, string? enhanced)
    {
        Assert.NotNull(step.Reply);
        Assert.Equal(code, step.Reply!.Code);
        Assert.Equal(enhanced, step.Reply.EnhancedCode);
    }

    [Theory]
    [InlineData("MAIL FROM:<a@b.example>")]
    [InlineData("MAIL FROM:<>")]
    public void Mail_before_greeting_is_503(string line)
    {
        var step = Run(line);
        AssertReply(step, 503, "5.5.1");
        Assert.Null(step.Session.Transaction);
    }

    [Fact]
    public void Mail_after_greeting_starts_a_transaction()
    {
        var step = Run("EHLO c.example", "MAIL FROM:<a@b.example>");
        AssertReply(step, 250, "2.1.0");
        Assert.Equal("a@b.example", step.Session.Transaction!.Sender.Address);
        Assert.Empty(step.Session.Transaction.Recipients);
        Assert.Equal(0, step.Session.ErrorCount);
    }

    [Fact]
    public void Nested_mail_is_503_and_keeps_the_first_transaction()
    {
        var step = Run("EHLO c.example", "MAIL FROM:<a@b.example>", "MAIL FROM:<x@y.example>");
        AssertReply(step, 503, "5.5.1");
        Assert.Equal("a@b.example", step.Session.Transaction!.Sender.Address);
    }

    [Fact]
    public void Rcpt_before_mail_is_503() => AssertReply(Run("EHLO c.example", "RCPT TO:<r@b.example>"), 503, "5.5.1");

    [Fact]
    public void Rcpt_asks_the_policy_and_the_verdict_adds_the_recipient()
    {
        var step = Step(Run("EHLO c.example", "MAIL FROM:<a@b.example>").Session, "RCPT TO:<r@b.example>");
        Assert.Null(step.Reply);
        var authorize = Assert.IsType<AuthorizeRecipientAction>(step.Action);
        Assert.Equal("r@b.example", authorize.Recipient.Address);
        Assert.Empty(step.Session.Transaction!.Recipients);

        var accepted = SessionStateTable.RecipientVerdict(step.Session, authorize.Recipient, null);
        AssertReply(accepted, 250, "2.1.5");
        Assert.Equal([authorize.Recipient], accepted.Session.Transaction!.Recipients);

        var refused = SessionStateTable.RecipientVerdict(step.Session, authorize.Recipient, Replies.RelayDenied);
        AssertReply(refused, 554, "5.7.1");
        Assert.Empty(refused.Session.Transaction!.Recipients);
        Assert.Equal(1, refused.Session.ErrorCount);
    }

    [Theory]
    [InlineData("EHLO c.example", "DATA")]
    [InlineData("EHLO c.example", "MAIL FROM:<a@b.example>", "DATA")]
    [InlineData("DATA")]
    public void Data_without_mail_or_recipients_is_503(params string[] lines)
    {
        var step = Run(lines);
        AssertReply(step, 503, "5.5.1");
        Assert.IsType<NoAction>(step.Action);
    }

    [Fact]
    public void Data_with_a_recipient_sends_354()
    {
        var step = Run("EHLO c.example", "MAIL FROM:<a@b.example>", "RCPT TO:<r@b.example>", "DATA");
        AssertReply(step, 354, null);
        Assert.IsType<ReceiveDataAction>(step.Action);
    }

    [Fact]
    public void Recipient_limit_is_452_and_keeps_the_accepted_ones()
    {
        var step = Run("EHLO c.example", "MAIL FROM:<a@b.example>", "RCPT TO:<r1@b.example>", "RCPT TO:<r2@b.example>",
            "RCPT TO:<r3@b.example>");
        AssertReply(step, 452, "4.5.3");
        Assert.IsType<NoAction>(step.Action);
        Assert.Equal(["r1@b.example", "r2@b.example"], step.Session.Transaction!.Recipients.Select(r => r.Address));
        Assert.Equal(0, step.Session.ErrorCount);
        AssertReply(Step(step.Session, "DATA"), 354, null);
    }

    [Fact]
    public void Recipients_over_the_limit_are_not_errors_up_to_the_overshoot_limit()
    {
        // RFC 5321 4.5.3.1.10: the limit is the server's, and the client sends the rest in a later transaction.
        var lines = new[] { "EHLO c.example", "MAIL FROM:<a@b.example>" }
            .Concat(Enumerable.Range(1, 2 + 3 * Limits.HardErrorLimit).Select(i => $"RCPT TO:<r{i}@b.example>")).ToArray();
        var step = Run(lines);
        AssertReply(step, 452, "4.5.3");
        Assert.Equal(0, step.Session.ErrorCount);
        Assert.False(ErrorTarpit.MustDisconnect(step.Session, Limits));
        Assert.Equal(TimeSpan.Zero, ErrorTarpit.DelayBeforeReply(step.Session, Limits));
        Assert.Equal(2, step.Session.Transaction!.Recipients.Count);
        AssertReply(Step(step.Session, "DATA"), 354, null);
    }

    [Theory]
    [InlineData("MAIL FROM:<a@b.example> SIZE=1000", 250)]
    [InlineData("MAIL FROM:<a@b.example> SIZE=1001", 552)]
    [InlineData("MAIL FROM:<a@b.example> SIZE=9223372036854775807", 552)]
    public void Declared_size_over_the_limit_is_552_5_3_4(string mail, int code)
    {
        var step = Run("EHLO c.example", mail);
        Assert.Equal(code, step.Reply!.Code);
        if (code == 552)
        {
            Assert.Equal("5.3.4", step.Reply.EnhancedCode);
            Assert.Null(step.Session.Transaction);
        }
    }

    [Theory]
    [InlineData("MAIL FROM:<a@b.example> SIZE=10")]
    [InlineData("MAIL FROM:<a@b.example> BODY=8BITMIME")]
    [InlineData("MAIL FROM:<a@b.example> SMTPUTF8")]
    public void Esmtp_parameters_after_helo_are_555(string mail)
    {
        var step = Run("HELO c.example", mail);
        AssertReply(step, 555, "5.5.4");
        Assert.Null(step.Session.Transaction);
    }

    [Fact]
    public void Plain_mail_after_helo_is_accepted() =>
        AssertReply(Run("HELO c.example", "MAIL FROM:<a@b.example>"), 250, "2.1.0");

    [Fact]
    public void Non_ascii_sender_needs_smtputf8()
    {
        AssertReply(Run("EHLO c.example", "MAIL FROM:<jörg@b.example>"), 553, "5.6.7");
        AssertReply(Run("EHLO c.example", "MAIL FROM:<jörg@b.example> SMTPUTF8"), 250, "2.1.0");
    }

    [Fact]
    public void Non_ascii_recipient_needs_smtputf8()
    {
        var step = Run("EHLO c.example", "MAIL FROM:<a@b.example>", "RCPT TO:<r@bücher.example>");
        AssertReply(step, 553, "5.6.7");
        Assert.Empty(step.Session.Transaction!.Recipients);
        step = Run("EHLO c.example", "MAIL FROM:<a@b.example> SMTPUTF8", "RCPT TO:<r@bücher.example>");
        AssertReply(step, 250, "2.1.5");
    }

    [Fact]
    public void Ehlo_lists_the_extensions_and_starttls_when_available()
    {
        var reply = Run("EHLO c.example").Reply!;
        Assert.Equal(250, reply.Code);
        Assert.Equal(["mx.test", "PIPELINING", "SIZE 1000", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "STARTTLS"],
            reply.Lines);
        Assert.StartsWith("250-mx.test\r\n250-PIPELINING\r\n", reply.ToWire());
        Assert.EndsWith("250 STARTTLS\r\n", reply.ToWire());
    }

    [Fact]
    public void Ehlo_omits_starttls_when_unavailable_or_already_tls()
    {
        var noTls = Step(SmtpSession.New, "EHLO c.example", Limits with { TlsAvailable = false }).Reply!;
        Assert.DoesNotContain("STARTTLS", noTls.Lines);
        Assert.Contains("CHUNKING", noTls.Lines);
        var inTls = Step(SmtpSession.New with { Tls = true }, "EHLO c.example").Reply!;
        Assert.DoesNotContain("STARTTLS", inTls.Lines);
        Assert.Contains("SIZE 1000", inTls.Lines);
    }

    [Fact]
    public void Helo_reply_is_a_single_line_and_not_esmtp()
    {
        var step = Run("HELO c.example");
        Assert.Equal(["mx.test"], step.Reply!.Lines);
        Assert.False(step.Session.Esmtp);
        Assert.Equal("c.example", step.Session.HeloName);
    }

    [Fact]
    public void Ehlo_in_a_transaction_resets_it()
    {
        var step = Run("EHLO c.example", "MAIL FROM:<a@b.example>", "EHLO again.example");
        Assert.Null(step.Session.Transaction);
        Assert.Equal("again.example", step.Session.HeloName);
    }

    [Fact]
    public void Starttls_resets_the_session()
    {
        var before = Run("EHLO c.example", "NOOP x", "XYZZY");
        Assert.Equal(1, before.Session.ErrorCount);
        var step = Step(before.Session, "STARTTLS");
        AssertReply(step, 220, "2.0.0");
        Assert.IsType<StartTlsAction>(step.Action);
        Assert.Null(step.Session.HeloName);
        Assert.False(step.Session.Esmtp);
        Assert.True(step.Session.Tls);
        Assert.Equal(1, step.Session.ErrorCount);

        AssertReply(Step(step.Session, "MAIL FROM:<a@b.example>"), 503, "5.5.1");
        var again = Run(step.Session, null, "EHLO c.example", "MAIL FROM:<a@b.example>");
        AssertReply(again, 250, "2.1.0");
    }

    [Fact]
    public void Starttls_when_unavailable_is_454()
    {
        var step = Step(Run("EHLO c.example").Session, "STARTTLS", Limits with { TlsAvailable = false });
        AssertReply(step, 454, "4.7.0");
        Assert.IsType<NoAction>(step.Action);
        Assert.False(step.Session.Tls);
        Assert.Equal(1, step.Session.ErrorCount);
    }

    [Fact]
    public void Starttls_twice_or_in_a_transaction_is_503()
    {
        AssertReply(Step(SmtpSession.New with { Tls = true, HeloName = "c" }, "STARTTLS"), 503, "5.5.1");
        var inTx = Run("EHLO c.example", "MAIL FROM:<a@b.example>", "STARTTLS");
        AssertReply(inTx, 503, "5.5.1");
        Assert.False(inTx.Session.Tls);
        Assert.NotNull(inTx.Session.Transaction);
    }

    [Fact]
    public void Rset_clears_the_transaction_but_not_the_greeting()
    {
        var step = Run("EHLO c.example", "MAIL FROM:<a@b.example>", "RCPT TO:<r@b.example>", "RSET");
        AssertReply(step, 250, "2.0.0");
        Assert.Null(step.Session.Transaction);
        Assert.Equal("c.example", step.Session.HeloName);
        Assert.IsType<AuthorizeSenderAction>(Step(step.Session, "MAIL FROM:<x@b.example>").Action);
    }

    [Fact]
    public void Quit_closes_with_221()
    {
        var step = Run("EHLO c.example", "QUIT");
        AssertReply(step, 221, "2.0.0");
        Assert.IsType<CloseAction>(step.Action);
        Assert.Equal(0, step.Session.ErrorCount);
    }

    [Fact]
    public void Vrfy_is_252_and_noop_help_are_positive()
    {
        AssertReply(Run("VRFY postmaster"), 252, "2.5.0");
        AssertReply(Run("NOOP"), 250, "2.0.0");
        AssertReply(Run("HELP"), 214, "2.0.0");
    }

    [Fact]
    public void Bdat_without_transaction_reads_the_chunk_then_refuses()
    {
        var step = Run("EHLO c.example", "BDAT 10 LAST");
        Assert.Null(step.Reply);
        var chunk = Assert.IsType<ReceiveChunkAction>(step.Action);
        Assert.Equal(10, chunk.Size);
        Assert.True(chunk.Last);
        Assert.NotNull(chunk.RefuseAfterRead);
        Assert.Equal(503, chunk.RefuseAfterRead!.Code);
        Assert.Equal(1, step.Session.ErrorCount);
    }

    [Fact]
    public void Bdat_after_helo_is_refused_after_read()
    {
        var step = Run("HELO c.example", "MAIL FROM:<a@b.example>", "RCPT TO:<r@b.example>", "BDAT 5 LAST");
        var chunk = Assert.IsType<ReceiveChunkAction>(step.Action);
        Assert.Equal(503, chunk.RefuseAfterRead!.Code);
        Assert.Null(step.Session.Transaction);
    }

    [Fact]
    public void Bdat_without_recipients_is_refused_after_read()
    {
        var step = Run("EHLO c.example", "MAIL FROM:<a@b.example>", "BDAT 5");
        Assert.NotNull(Assert.IsType<ReceiveChunkAction>(step.Action).RefuseAfterRead);
        Assert.NotNull(step.Session.Transaction);
    }

    [Fact]
    public void Bdat_in_a_transaction_receives_and_then_locks_out_rcpt_and_data()
    {
        var step = Run("EHLO c.example", "MAIL FROM:<a@b.example>", "RCPT TO:<r@b.example>", "BDAT 5");
        Assert.Equal(new ReceiveChunkAction(5, false, null), step.Action);
        Assert.Equal(ChunkingState.Receiving, step.Session.Transaction!.Chunking);
        Assert.Equal(0, step.Session.ErrorCount);
        AssertReply(Step(step.Session, "RCPT TO:<s@b.example>"), 503, "5.5.1");
        AssertReply(Step(step.Session, "DATA"), 503, "5.5.1");
        Assert.Equal(new ReceiveChunkAction(7, true, null), Step(step.Session, "BDAT 7 LAST").Action);
    }

    [Fact]
    public void Bdat_after_a_failed_chunk_is_refused()
    {
        var step = Run("EHLO c.example", "MAIL FROM:<a@b.example>", "RCPT TO:<r@b.example>", "BDAT 5");
        var failed = step.Session with { Transaction = step.Session.Transaction! with { Chunking = ChunkingState.Failed } };
        var next = Step(failed, "BDAT 5");
        Assert.NotNull(Assert.IsType<ReceiveChunkAction>(next.Action).RefuseAfterRead);
        Assert.NotNull(next.Session.Transaction);
        var last = Step(failed, "BDAT 5 LAST");
        Assert.NotNull(Assert.IsType<ReceiveChunkAction>(last.Action).RefuseAfterRead);
        Assert.Null(last.Session.Transaction);
    }

    [Fact]
    public void End_transaction_and_with_error()
    {
        var step = Run("EHLO c.example", "MAIL FROM:<a@b.example>", "RCPT TO:<r@b.example>");
        Assert.Null(SessionStateTable.EndTransaction(step.Session).Transaction);
        Assert.Equal(step.Session.ErrorCount + 1, SessionStateTable.WithError(step.Session).ErrorCount);
    }

    [Theory]
    [InlineData(0, "EHLO c.example", "NOOP", "RSET", "VRFY x", "HELP", "MAIL FROM:<a@b.example>", "RCPT TO:<r@b.example>")]
    [InlineData(1, "XYZZY")]
    [InlineData(1, "EHLO")]
    [InlineData(1, "RCPT TO:<r@b.example>")]
    [InlineData(2, "EHLO c.example", "MAIL FROM:<a@b.example> FOO=1", "AUTH PLAIN")]
    [InlineData(2, "DATA", "DATA", "QUIT")]
    public void Error_count_increments_on_4xx_and_5xx_replies(int expected, params string[] lines) =>
        Assert.Equal(expected, Run(lines).Session.ErrorCount);

    [Fact]
    public void Tarpit_delays_after_the_soft_limit_and_disconnects_at_the_hard_limit()
    {
        var session = SmtpSession.New;
        var observed = new List<(int Errors, TimeSpan Delay, bool Disconnect)>();
        for (var i = 0; i < 4; i++)
        {
            session = Step(session, "XYZZY").Session;
            observed.Add((session.ErrorCount, ErrorTarpit.DelayBeforeReply(session, Limits), ErrorTarpit.MustDisconnect(session, Limits)));
        }
        var delay = TimeSpan.FromSeconds(5);
        Assert.Equal([(1, TimeSpan.Zero, false), (2, TimeSpan.Zero, false), (3, delay, false), (4, delay, true)], observed);
        Assert.Equal(TimeSpan.Zero, ErrorTarpit.DelayBeforeReply(SmtpSession.New, Limits));
        Assert.False(ErrorTarpit.MustDisconnect(SmtpSession.New, Limits));
    }

    [Fact]
    public void Received_protocol()
    {
        Assert.Equal("SMTP", Run("HELO c.example", "MAIL FROM:<a@b.example>").Session.ReceivedProtocol);
        Assert.Equal("ESMTP", Run("EHLO c.example", "MAIL FROM:<a@b.example>").Session.ReceivedProtocol);
        Assert.Equal("UTF8SMTP", Run("EHLO c.example", "MAIL FROM:<a@b.example> SMTPUTF8").Session.ReceivedProtocol);

        var tls = Run("EHLO c.example", "STARTTLS").Session;
        Assert.Equal("ESMTPS", Run(tls, null, "EHLO c.example", "MAIL FROM:<a@b.example>").Session.ReceivedProtocol);
        Assert.Equal("UTF8SMTPS", Run(tls, null, "EHLO c.example", "MAIL FROM:<a@b.example> SMTPUTF8").Session.ReceivedProtocol);

        var esmtp = Run("EHLO c.example").Session;
        Assert.Equal("ESMTPA", (esmtp with { AuthenticatedUser = "u" }).ReceivedProtocol);
        Assert.Equal("ESMTPSA", (esmtp with { AuthenticatedUser = "u", Tls = true }).ReceivedProtocol);
    }
}
