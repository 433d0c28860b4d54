namespace MailCluster.Bench.Smtp;

/// <summary>The server said something we cannot continue the session after (bad greeting, malformed reply...).</summary>
public sealed class SmtpProtocolException(string message) : IOException(message);
