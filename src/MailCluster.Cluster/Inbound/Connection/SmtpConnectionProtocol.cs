using MailCluster.Cluster.Policy;
using MailCluster.Core.Policy;
using MailCluster.Smtp.Protocol;
using MailCluster.Smtp.Transport;

namespace MailCluster.Cluster.Inbound.Connection;

/// <summary>Completions of the connection's own I/O and questions, piped back to it. Only one is outstanding at a time.</summary>
internal static class SmtpConnectionProtocol
{
    public sealed record DataReceived(ReadOutcome Outcome);
    public sealed record ChunkReceived(ReadOutcome Outcome, long Size, bool Last, SmtpReply? Refusal);
    public sealed record MessageStored(string QueueId, int Size, string Sender, int Recipients, Core.Dkim.DkimSigningOutcome? Dkim = null,
        SenderAuth.InboundAuthOutcome? SenderAuth = null);
    /// <summary><paramref name="OutOfSpace"/>: the store said its disk is full (452 4.3.1 rather than 451 4.3.0).</summary>
    /// <summary>A sender-auth rule refused the message at the end of DATA; nothing was stored.</summary>
    public sealed record MessageRefused(Core.Policy.PolicyVerdict Verdict, string Results)
    {
        public Smtp.Protocol.SmtpReply Reply => Verdict switch
        {
            Core.Policy.Reject r => r.Reply,
            Core.Policy.Defer d => d.Reply,
            _ => throw new InvalidOperationException("a refusal is a reject or a defer"),
        };
    }
    public sealed record MessageNotStored(string QueueId, string Reason, bool OutOfSpace = false);
    public sealed record TlsStarted(bool Succeeded);

    /// <summary>The handshake of an implicit-TLS listener, before the greeting.</summary>
    public sealed record ImplicitTlsStarted(bool Succeeded);
    public sealed record ConnectionClosed;
    public sealed record IoFailed(Exception Cause);
    public sealed record SenderChecked(MailCommand Mail, PolicyVerdict Verdict);
    public sealed record RecipientChecked(MailPath Recipient, PolicyVerdict Verdict);
    /// <summary>A client line inside an AUTH exchange: never parsed as a command.</summary>
    public sealed record SaslLine(CommandLine Line);
    public sealed record AuthenticationChecked(string Login, RelayPolicyProtocol.AuthOutcome Outcome);
}
