using MimeKit;

namespace MailCluster.Core.Messages;

/// <summary>
/// The author domain DKIM signing and DMARC work on (RFC 7489 6.6.1): exactly one From: field whose mailboxes are all
/// of one domain (several authors of one domain are one domain); null otherwise.
/// </summary>
public static class AuthorDomain
{
    public static string? Of(MimeMessage message)
    {
        if (message.Headers.Count(h => h.Id == HeaderId.From) != 1) return null;
        var domains = message.From.Mailboxes.Select(m => m.Domain?.TrimEnd('.').ToLowerInvariant()).Distinct().ToList();
        return domains is [{ Length: > 0 } one] ? one : null;
    }
}
