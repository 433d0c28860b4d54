namespace MailCluster.Bench.Smtp;

/// <summary>A complete (possibly multi-line) SMTP reply; Text is the last line's text.</summary>
public readonly record struct SmtpReply(int Code, string Text)
{
    public bool IsPositive => Code is >= 200 and < 300;
    public override string ToString() => $"{Code} {Text}";
}
