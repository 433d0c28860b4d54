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
    public static SmtpReply LocalSenderSpoofed { get; } = new(553, "5.7.1", "Sender address rejected: local domain used by an unauthenticated client; authenticate first");
}
