using System.Text;
using MailCluster.Core.Bounce;
using MimeKit;

namespace MailCluster.Core.Tests.Bounce;

public sealed class DsnBuilderTests
{
    private static readonly DateTimeOffset Arrival = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Attempt = new(2025, 3, 1, 10, 5, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 10, 6, 0, TimeSpan.Zero);

    private static readonly byte[] Original = Encoding.ASCII.GetBytes(
        "Received: from client.example by mx.example.net\r\n" +
        "From: Alice <alice@example.org>\r\n" +
        "To: bob@remote.example\r\n" +
        "Subject: Quarterly numbers\r\n" +
        "Message-ID: <orig-1@example.org>\r\n" +
        "\r\n" +
        "SECRET BODY LINE\r\n");

    private static DsnRecipient Bob(string status = "5.1.1") => new(
        "bob@remote.example", null, status, "550 5.1.1 <bob@remote.example>: user unknown", "mx1.remote.example", Attempt, null);

    private static DsnReport Report(IReadOnlyList<DsnRecipient>? recipients = null, bool delay = false, byte[]? content = null,
        string queueId = "Q1A2B3", string? envid = null) =>
        new("mx.example.net", queueId, "alice@example.org", Arrival, recipients ?? [Bob()], content ?? Original, delay, envid);

    private static MimeMessage Parse(byte[] bytes) => MimeMessage.Load(new MemoryStream(bytes));

    private static (MultipartReport Report, TextPart Human, MessageDeliveryStatus Status, MimeEntity Headers) Parts(MimeMessage m)
    {
        var report = Assert.IsType<MultipartReport>(m.Body);
        Assert.Equal(3, report.Count);
        return (report, Assert.IsType<TextPart>(report[0]), Assert.IsType<MessageDeliveryStatus>(report[1]), report[2]);
    }

    [Fact]
    public void A_bounce_has_the_rfc3464_structure_and_envelope_headers()
    {
        var bytes = DsnBuilder.Build(Report(), Now);
        var m = Parse(bytes);

        Assert.Equal("Mail Delivery System", Assert.IsType<MailboxAddress>(m.From.Single()).Name);
        Assert.Equal("MAILER-DAEMON@mx.example.net", m.From.Mailboxes.Single().Address);
        Assert.Equal("alice@example.org", m.To.Mailboxes.Single().Address);
        Assert.Equal(DsnBuilder.FailedSubject, m.Subject);
        Assert.Equal("auto-replied", m.Headers["Auto-Submitted"]);
        Assert.EndsWith("@mx.example.net", m.MessageId);
        Assert.Equal(Now, m.Date);

        var (report, human, _, headers) = Parts(m);
        Assert.Equal("delivery-status", report.ReportType);
        Assert.Equal("delivery-status", report.ContentType.Parameters["report-type"]);
        Assert.True(human.IsPlain);
        Assert.Contains("could not", human.Text);
        Assert.Contains("<bob@remote.example>: 550 5.1.1", human.Text);
        Assert.True(headers.ContentType.IsMimeType("text", "rfc822-headers"));
    }

    [Fact]
    public void The_output_uses_crlf_only()
    {
        var bytes = DsnBuilder.Build(Report(), Now);
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] == '\n') Assert.True(i > 0 && bytes[i - 1] == '\r', $"bare LF at {i}");
    }

    [Fact]
    public void Per_message_fields_are_present()
    {
        var (_, _, status, _) = Parts(Parse(DsnBuilder.Build(Report(envid: "ENV-42"), Now)));
        var perMessage = status.StatusGroups[0];
        Assert.Equal("dns; mx.example.net", perMessage["Reporting-MTA"]);
        Assert.Equal("ENV-42", perMessage["Original-Envelope-Id"]);
        Assert.Equal("Q1A2B3", perMessage["X-MailCluster-Queue-ID"]);
        Assert.Equal(Arrival, MimeKit.Utils.DateUtils.TryParse(perMessage["Arrival-Date"], out var arrival) ? arrival : default);
    }

    [Fact]
    public void Optional_per_message_fields_are_left_out_when_not_given()
    {
        var (_, _, status, _) = Parts(Parse(DsnBuilder.Build(Report(queueId: ""), Now)));
        Assert.False(status.StatusGroups[0].Contains("Original-Envelope-Id"));
        Assert.False(status.StatusGroups[0].Contains("X-MailCluster-Queue-ID"));
    }

    [Fact]
    public void Per_recipient_fields_describe_the_failure()
    {
        var (_, _, status, _) = Parts(Parse(DsnBuilder.Build(Report(), Now)));
        Assert.Equal(2, status.StatusGroups.Count);
        var r = status.StatusGroups[1];
        Assert.Equal("rfc822; bob@remote.example", r["Final-Recipient"]);
        Assert.False(r.Contains("Original-Recipient"));
        Assert.Equal("failed", r["Action"]);
        Assert.Equal("5.1.1", r["Status"]);
        Assert.Equal("dns; mx1.remote.example", r["Remote-MTA"]);
        Assert.Equal("smtp; 550 5.1.1 <bob@remote.example>: user unknown", r["Diagnostic-Code"]);
        Assert.True(MimeKit.Utils.DateUtils.TryParse(r["Last-Attempt-Date"], out var last));
        Assert.Equal(Attempt, last);
        Assert.False(r.Contains("Will-Retry-Until"));
    }

    [Fact]
    public void Several_recipients_share_one_dsn_each_with_its_own_group()
    {
        var recipients = new[]
        {
            Bob(),
            new DsnRecipient("carol@local.example", "sales@example.org", "5.2.2", "552 5.2.2 mailbox full", null, Attempt, null),
            new DsnRecipient("dave@remote.example", "Dave@remote.example", "5.4.4", "", null, Attempt, null),
        };
        var (_, human, status, _) = Parts(Parse(DsnBuilder.Build(Report(recipients), Now)));
        Assert.Equal(4, status.StatusGroups.Count);

        var carol = status.StatusGroups[2];
        Assert.Equal("rfc822; carol@local.example", carol["Final-Recipient"]);
        Assert.Equal("rfc822; sales@example.org", carol["Original-Recipient"]);
        Assert.Equal("5.2.2", carol["Status"]);
        Assert.False(carol.Contains("Remote-MTA"));

        var dave = status.StatusGroups[3];
        Assert.False(dave.Contains("Original-Recipient")); // differs only in case
        Assert.False(dave.Contains("Diagnostic-Code"));
        Assert.Equal("5.4.4", dave["Status"]);

        Assert.Contains("<carol@local.example>: 552 5.2.2 mailbox full", human.Text);
        Assert.Contains("<dave@remote.example>", human.Text);
    }

    [Fact]
    public void A_delay_warning_says_delayed_and_when_retries_stop()
    {
        var until = Arrival.AddDays(5);
        var recipient = Bob("4.4.1") with { Diagnostic = "connect to mx1.remote.example: timed out", WillRetryUntil = until };
        var m = Parse(DsnBuilder.Build(Report([recipient], delay: true), Now));
        Assert.Equal(DsnBuilder.DelayedSubject, m.Subject);
        var (_, human, status, _) = Parts(m);
        Assert.Contains("WARNING ONLY", human.Text);
        var r = status.StatusGroups[1];
        Assert.Equal("delayed", r["Action"]);
        Assert.Equal("4.4.1", r["Status"]);
        Assert.True(MimeKit.Utils.DateUtils.TryParse(r["Will-Retry-Until"], out var parsed));
        Assert.Equal(until, parsed);
    }

    [Fact]
    public void Only_the_original_headers_are_returned_not_the_body()
    {
        var bytes = DsnBuilder.Build(Report(), Now);
        Assert.DoesNotContain("SECRET BODY LINE", Encoding.ASCII.GetString(bytes));
        var (_, _, _, headers) = Parts(Parse(bytes));
        var text = HeadersText(headers);
        Assert.Contains("Subject: Quarterly numbers", text);
        Assert.Contains("Message-ID: <orig-1@example.org>", text);
        Assert.Contains("Received: from client.example by mx.example.net", text);
    }

    [Fact]
    public void Eight_bit_original_headers_do_not_break_the_dsn()
    {
        var content = new List<byte>();
        content.AddRange(Encoding.ASCII.GetBytes("From: "));
        content.AddRange(Encoding.UTF8.GetBytes("Jörg Müller <jörg@bücher.example>"));
        content.AddRange(Encoding.ASCII.GetBytes("\r\nSubject: "));
        content.AddRange([0xE9, 0x74, 0xE9, 0xFF]); // Latin-1 and an invalid byte: sloppy senders exist
        content.AddRange(Encoding.ASCII.GetBytes("\r\n\r\nbody\r\n"));

        var bytes = DsnBuilder.Build(Report(content: content.ToArray()), Now);
        var (_, _, status, headers) = Parts(Parse(bytes));
        Assert.Equal("8bit", headers.Headers[HeaderId.ContentTransferEncoding]);
        Assert.Contains("Jörg Müller", HeadersText(headers));
        Assert.Equal("failed", status.StatusGroups[1]["Action"]);
        // The original bytes come back unchanged.
        Assert.True(bytes.AsSpan().IndexOf(new byte[] { 0xE9, 0x74, 0xE9, 0xFF }) >= 0);
    }

    [Theory]
    [InlineData("Subject: nothing after the headers", "Subject: nothing after the headers")]
    [InlineData("Subject: lf only\nX-A: 1\n\nBODYTEXT\n", "X-A: 1")]
    [InlineData("\r\nBODYTEXT only", "")]
    [InlineData("", "")]
    public void Odd_original_content_still_gives_a_dsn(string original, string expectedHeader)
    {
        var bytes = DsnBuilder.Build(Report(content: Encoding.ASCII.GetBytes(original)), Now);
        var (_, _, _, headers) = Parts(Parse(bytes));
        var text = HeadersText(headers);
        Assert.Contains(expectedHeader, text);
        Assert.DoesNotContain("BODYTEXT", text);
    }

    [Fact]
    public void A_multi_line_diagnostic_is_folded_into_one_field()
    {
        var recipient = Bob() with { Diagnostic = "550-5.7.1 first line\r\n550 5.7.1 second line" };
        var (_, _, status, _) = Parts(Parse(DsnBuilder.Build(Report([recipient]), Now)));
        Assert.Equal("smtp; 550-5.7.1 first line 550 5.7.1 second line", status.StatusGroups[1]["Diagnostic-Code"]);
    }

    [Fact]
    public void The_null_sender_and_empty_reports_are_refused()
    {
        Assert.Throws<ArgumentException>(() => DsnBuilder.Build(Report() with { OriginalSender = "" }, Now));
        Assert.Throws<ArgumentException>(() => DsnBuilder.Build(Report([]), Now));
    }

    [Fact]
    public void A_non_ascii_diagnostic_keeps_the_human_part_seven_bit()
    {
        var recipient = Bob() with { Diagnostic = "550 5.1.1 Postfach unbekannt – Jörg" };
        var (_, human, _, _) = Parts(Parse(DsnBuilder.Build(Report([recipient]), Now)));
        Assert.Equal(ContentEncoding.QuotedPrintable, human.ContentTransferEncoding);
        Assert.Contains("Postfach unbekannt – Jörg", human.Text);
    }

    [Fact]
    public void The_headers_part_is_seven_bit_when_the_headers_are()
    {
        var (_, _, _, headers) = Parts(Parse(DsnBuilder.Build(Report(), Now)));
        Assert.Equal("7bit", headers.Headers[HeaderId.ContentTransferEncoding]);
    }

    [Fact]
    public void Every_dsn_gets_a_fresh_message_id()
    {
        var a = Parse(DsnBuilder.Build(Report(), Now)).MessageId;
        var b = Parse(DsnBuilder.Build(Report(), Now)).MessageId;
        Assert.NotEqual(a, b);
    }

    private static string HeadersText(MimeEntity entity)
    {
        using var stream = new MemoryStream();
        switch (entity)
        {
            case MessagePart { Message: not null } messagePart:
                messagePart.Message.Headers.WriteTo(stream);
                break;
            case MimePart part:
                part.Content?.DecodeTo(stream);
                break;
            default:
                entity.WriteTo(stream, contentOnly: true);
                break;
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
