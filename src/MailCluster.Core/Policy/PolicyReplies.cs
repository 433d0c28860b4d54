using System.Net;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Core.Policy;

/// <summary>The replies policy refusals use. The rule name goes to the log, not to the client.</summary>
public static class PolicyReplies
{
    public static SmtpReply RelayDenied { get; } = Replies.RelayDenied;
    public static SmtpReply UnknownLocalRecipient { get; } = new(550, "5.1.1", "Recipient address rejected: User unknown in local recipient table");
    public static SmtpReply Blocked(IPAddress ip, string zone, string? text) =>
        new(554, "5.7.1", $"Service unavailable; client [{ip}] blocked using {zone}{(text is null ? "" : "; " + text)}");
    public static SmtpReply DnsblUnavailable(IPAddress ip) =>
        new(451, "4.7.1", $"Service temporarily unavailable; cannot check client [{ip}] against DNSBL, try again later");
    public static SmtpReply ExplicitReject { get; } = new(554, "5.7.1", "Access denied");
    public static SmtpReply ExplicitDefer { get; } = new(450, "4.7.1", "Try again later");
    public static SmtpReply AuthenticationRequired { get; } = new(530, "5.7.0", "Authentication required");
    public static SmtpReply SenderNotOwned { get; } = new(553, "5.7.1", "Sender address rejected: not owned by the authenticated user");
    public static SmtpReply DmarcRejected(string? domain) =>
        new(550, "5.7.1", $"Unauthenticated email from {domain} is not accepted due to domain's DMARC policy");
    public static SmtpReply DmarcUnavailable { get; } = new(451, "4.7.1", "Temporary failure checking the sender's DMARC policy, try again later");
    /// <summary>RFC 7372: X.7.23 SPF validation failed, X.7.24 SPF validation error.</summary>
    public static SmtpReply SpfFailed(string reason) => new(550, "5.7.23", $"SPF validation failed: {reason}");
    public static SmtpReply SpfUnavailable { get; } = new(451, "4.7.24", "Temporary failure checking SPF, try again later");
    public static SmtpReply SenderAuthUnavailable { get; } = new(451, "4.7.1", "Temporary failure checking sender authentication, try again later");
    public static SmtpReply LocalSenderSpoofed { get; } = new(553, "5.7.1", "Sender address rejected: local domain used by an unauthenticated client; authenticate first");
}
