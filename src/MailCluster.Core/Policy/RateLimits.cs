namespace MailCluster.Core.Policy;

/// <summary>
/// Per-minute limits, 0 meaning none. Counted per client IP and per authenticated login, across the whole cluster.
/// Trusted networks are exempt, as with Postfix's smtpd_client_event_limit_exceptions = $mynetworks.
/// </summary>
public sealed record RateLimits(int MessagesPerIp, int RecipientsPerIp, int MessagesPerUser, int RecipientsPerUser)
{
    public static RateLimits None { get; } = new(0, 0, 0, 0);

    public bool Any => MessagesPerIp > 0 || RecipientsPerIp > 0 || MessagesPerUser > 0 || RecipientsPerUser > 0;
}
