namespace MailCluster.Smtp.Protocol;

/// <summary>A parsed SMTP command line. Syntax errors are a command too, so the state table decides the reply order.</summary>
public abstract record SmtpCommand;

public sealed record HeloCommand(string Domain) : SmtpCommand;
public sealed record EhloCommand(string Domain) : SmtpCommand;
public sealed record MailCommand(MailPath ReversePath, MailParameters Parameters) : SmtpCommand;
public sealed record RcptCommand(MailPath ForwardPath) : SmtpCommand;
public sealed record DataCommand : SmtpCommand;
public sealed record BdatCommand(long Size, bool Last) : SmtpCommand;
public sealed record RsetCommand : SmtpCommand;
public sealed record NoopCommand : SmtpCommand;
public sealed record QuitCommand : SmtpCommand;
public sealed record VrfyCommand(string Argument) : SmtpCommand;
public sealed record HelpCommand : SmtpCommand;
public sealed record StartTlsCommand : SmtpCommand;
/// <summary>AUTH has its place in the state table; the mechanisms come with the relay-policy work.</summary>
public sealed record AuthCommand(string Mechanism, string? InitialResponse) : SmtpCommand;
public sealed record UnknownCommand(string Verb) : SmtpCommand;
/// <summary>A recognised verb with bad arguments, carrying the reply to give.</summary>
public sealed record InvalidCommand(string Verb, SmtpReply Reply) : SmtpCommand;

/// <summary>Body type declared with MAIL FROM BODY= (RFC 6152).</summary>
public enum BodyType { SevenBit, EightBitMime }

/// <summary>The ESMTP parameters of MAIL FROM that this server implements.</summary>
public sealed record MailParameters(long? DeclaredSize, BodyType Body, bool SmtpUtf8)
{
    public static MailParameters None { get; } = new(null, BodyType.SevenBit, false);
}
