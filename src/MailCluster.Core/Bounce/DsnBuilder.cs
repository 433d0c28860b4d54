using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace MailCluster.Core.Bounce;

/// <summary>
/// Builds RFC 3464 delivery status notifications: multipart/report; report-type=delivery-status with
/// a human-readable text/plain part, the machine-readable message/delivery-status part and the original's headers
/// (text/rfc822-headers; never the body, which may be large or the very thing that was refused).
/// The result is the serialized message with CRLF line ends, ready to be spooled from the null sender.
/// </summary>
public static class DsnBuilder
{
    public const string FailedSubject = "Undelivered Mail Returned to Sender";
    public const string DelayedSubject = "Delayed Mail (still being retried)";
    public const string DoubleBounceSubject = "Postmaster Warning: Undelivered Bounce";

    private static readonly FormatOptions Format = CreateFormat();

    /// <param name="now">The Date of the DSN; the current time when omitted.</param>
    public static byte[] Build(DsnReport report, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!DsnPolicy.ShouldBounce(report.OriginalSender))
            throw new ArgumentException("A DSN is never sent to the null sender.", nameof(report));
        if (report.Recipients.Count == 0) throw new ArgumentException("A DSN needs at least one recipient.", nameof(report));
        ArgumentException.ThrowIfNullOrWhiteSpace(report.ReportingMta);

        var host = OneLine(report.ReportingMta);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mail Delivery System", $"MAILER-DAEMON@{host}"));
        message.To.Add(new MailboxAddress("", report.OriginalSender));
        message.Subject = report.IsDelayWarning ? DelayedSubject : report.IsDoubleBounce ? DoubleBounceSubject : FailedSubject;
        message.Date = now ?? DateTimeOffset.UtcNow;
        message.MessageId = MimeUtils.GenerateMessageId(host);
        // RFC 3834: tells vacation responders and other robots not to answer.
        message.Headers.Add("Auto-Submitted", "auto-replied");

        var body = new MultipartReport("delivery-status")
        {
            HumanReadablePart(report, host),
            StatusPart(report, host),
            HeadersPart(report.OriginalContent.Span),
        };
        message.Body = body;

        using var output = new MemoryStream();
        message.WriteTo(Format, output);
        return output.ToArray();
    }

    private static TextPart HumanReadablePart(DsnReport report, string host)
    {
        var text = new StringBuilder();
        text.Append($"This is the mail system at host {host}.\r\n\r\n");
        if (report.IsDelayWarning)
        {
            text.Append("####################################################################\r\n");
            text.Append("# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\r\n");
            text.Append("####################################################################\r\n\r\n");
            text.Append("Your message could not be delivered yet to the recipients below.\r\n");
            text.Append("The mail system will keep trying; you will be told if it gives up.\r\n\r\n");
        }
        else if (report.IsDoubleBounce)
        {
            text.Append("A delivery status notification (a bounce, from the null sender <>) could not be\r\n");
            text.Append("delivered to its recipients below, and is dropped. It will not be reported again.\r\n");
            text.Append("Its headers are attached below.\r\n\r\n");
        }
        else
        {
            text.Append("I'm sorry to have to inform you that your message could not\r\n");
            text.Append("be delivered to one or more recipients. Its headers are attached below.\r\n\r\n");
            text.Append("For further assistance, please send mail to postmaster.\r\n\r\n");
        }
        foreach (var r in report.Recipients)
        {
            text.Append($"<{OneLine(r.FinalRecipient)}>: {OneLine(r.Diagnostic)}\r\n");
            if (report.IsDelayWarning && r.WillRetryUntil is { } until)
                text.Append($"    (will retry until {DateUtils.FormatDate(until)})\r\n");
        }
        var part = new TextPart("plain") { Text = text.ToString(), ContentDescription = "Notification" };
        // A non-ASCII address or reply becomes quoted-printable, so this part never needs an 8-bit path.
        part.ContentTransferEncoding = part.GetBestEncoding(EncodingConstraint.SevenBit);
        return part;
    }

    private static MimePart StatusPart(DsnReport report, string host)
    {
        var groups = new List<HeaderList>();

        var perMessage = new HeaderList { { "Reporting-MTA", $"dns; {host}" } };
        if (!string.IsNullOrWhiteSpace(report.EnvelopeId)) perMessage.Add("Original-Envelope-Id", OneLine(report.EnvelopeId));
        if (!string.IsNullOrWhiteSpace(report.OriginalQueueId)) perMessage.Add("X-MailCluster-Queue-ID", OneLine(report.OriginalQueueId));
        perMessage.Add("X-MailCluster-Sender", $"rfc822; {OneLine(report.OriginalSender)}");
        perMessage.Add("Arrival-Date", DateUtils.FormatDate(report.ArrivalDate));
        groups.Add(perMessage);

        foreach (var r in report.Recipients)
        {
            var group = new HeaderList { { "Final-Recipient", $"rfc822; {OneLine(r.FinalRecipient)}" } };
            if (!string.IsNullOrWhiteSpace(r.OriginalRecipient) &&
                !string.Equals(r.OriginalRecipient, r.FinalRecipient, StringComparison.OrdinalIgnoreCase))
                group.Add("Original-Recipient", $"rfc822; {OneLine(r.OriginalRecipient)}");
            group.Add("Action", report.IsDelayWarning ? "delayed" : "failed");
            group.Add("Status", OneLine(r.Status));
            if (!string.IsNullOrWhiteSpace(r.RemoteMta)) group.Add("Remote-MTA", $"dns; {OneLine(r.RemoteMta)}");
            if (!string.IsNullOrWhiteSpace(r.Diagnostic)) group.Add("Diagnostic-Code", $"smtp; {OneLine(r.Diagnostic)}");
            group.Add("Last-Attempt-Date", DateUtils.FormatDate(r.LastAttempt));
            if (report.IsDelayWarning && r.WillRetryUntil is { } until) group.Add("Will-Retry-Until", DateUtils.FormatDate(until));
            groups.Add(group);
        }

        // Written by hand rather than via MessageDeliveryStatus: MimeKit ends the last group with an extra empty
        // line, which parsers (MimeKit's own included) read back as one more, empty, recipient group.
        // HeaderList.WriteTo ends every group with the empty line that separates it from the next; the last one's goes.
        var content = new MemoryStream();
        foreach (var group in groups) group.WriteTo(Format, content);
        content.SetLength(content.Length - 2);
        content.Position = 0;
        return new MimePart("message", "delivery-status")
        {
            Content = new MimeContent(content),
            ContentDescription = "Delivery report",
        };
    }

    private static MimePart HeadersPart(ReadOnlySpan<byte> originalContent)
    {
        // The raw bytes are returned as they arrived: re-encoding them would alter what the sender needs to see.
        var block = HeaderBlock.Extract(originalContent);
        var part = new MimePart("text", "rfc822-headers")
        {
            Content = new MimeContent(new MemoryStream(block)),
            ContentDescription = "Undelivered Message Headers",
            // 8-bit header bytes (raw UTF-8 or Latin-1 from sloppy senders) are declared, not hidden.
            ContentTransferEncoding = HeaderBlock.HasEightBit(block) ? ContentEncoding.EightBit : ContentEncoding.SevenBit,
        };
        return part;
    }

    /// <summary>Multi-line replies and stray control characters would break the header syntax of the report.</summary>
    private static string OneLine(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value.Trim()) sb.Append(char.IsControl(c) ? ' ' : c);
        var collapsed = sb.ToString();
        while (collapsed.Contains("  ")) collapsed = collapsed.Replace("  ", " ");
        return collapsed;
    }

    private static FormatOptions CreateFormat()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }
}
