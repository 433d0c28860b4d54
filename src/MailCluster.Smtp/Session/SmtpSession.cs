using System.Collections.Immutable;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Smtp.Session;

/// <summary>The state of one SMTP session, as an immutable value the state table transforms.</summary>
public sealed record SmtpSession(
    string? HeloName,
    bool Esmtp,
    bool Tls,
    string? AuthenticatedUser,
    MailTransaction? Transaction,
    int ErrorCount)
{
    public static SmtpSession New { get; } = new(null, false, false, null, null, 0);

    public bool Greeted => HeloName is not null;

    /// <summary>The "with" protocol of the Received header (RFC 3848, RFC 6531).</summary>
    public string ReceivedProtocol
    {
        get
        {
            if (!Esmtp) return "SMTP";
            var utf8 = Transaction?.Parameters.SmtpUtf8 == true;
            return (utf8 ? "UTF8SMTP" : "ESMTP") + (Tls ? "S" : "") + (AuthenticatedUser is not null ? "A" : "");
        }
    }
}

/// <summary>One mail transaction: MAIL FROM, the accepted recipients, and the BDAT progress if chunking.</summary>
public sealed record MailTransaction(
    MailPath Sender,
    MailParameters Parameters,
    ImmutableList<MailPath> Recipients,
    ChunkingState Chunking,
    int RecipientsOverLimit = 0)
{
    public static MailTransaction Start(MailPath sender, MailParameters parameters) =>
        new(sender, parameters, ImmutableList<MailPath>.Empty, ChunkingState.NotStarted);
}

/// <summary>BDAT progress. Once a chunk fails, the rest of the transaction's chunks are read and refused.</summary>
public enum ChunkingState { NotStarted, Receiving, Failed }
