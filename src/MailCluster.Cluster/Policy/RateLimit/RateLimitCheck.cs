using Akka.Actor;
using MailCluster.Core.Policy;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Cluster.Policy.RateLimit;

/// <summary>Applies the per-IP and per-user limits after a permit. A counter that cannot answer defers, never permits.</summary>
public static class RateLimitCheck
{
    public static async Task<PolicyVerdict> ApplyAsync(IActorRef counters, RateLimits limits, PolicyRequest request, bool isRecipient,
        bool trusted, TimeSpan timeout, PolicyVerdict permitted)
    {
        if (trusted) return permitted;
        var unit = isRecipient ? "recipients" : "messages";
        var checks = new List<(string Subject, int Limit, string Rule)>();
        var ipLimit = isRecipient ? limits.RecipientsPerIp : limits.MessagesPerIp;
        if (ipLimit > 0) checks.Add(($"ip:{request.ClientIp}/{unit}", ipLimit, $"rate-limit:{unit}-per-ip"));
        var userLimit = isRecipient ? limits.RecipientsPerUser : limits.MessagesPerUser;
        if (userLimit > 0 && request.AuthenticatedUser is { } user) checks.Add(($"user:{user.ToLowerInvariant()}/{unit}", userLimit, $"rate-limit:{unit}-per-user"));

        foreach (var (subject, limit, rule) in checks)
        {
            HitCounted counted;
            try
            {
                counted = await counters.Ask<HitCounted>(new CountHit(subject, 1, limit), timeout);
            }
            catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
            {
                return new Defer(new SmtpReply(451, "4.3.0", "Rate limit service unavailable; try again later"), rule);
            }
            if (!counted.Allowed)
                return new Defer(new SmtpReply(450, "4.7.1",
                    $"Rate limit exceeded: more than {limit} {unit} per minute from {Who(request, rule)}; try again later"), rule);
        }
        return permitted;
    }

    private static string Who(PolicyRequest r, string rule) =>
        rule.EndsWith("per-user") ? $"user {r.AuthenticatedUser}" : $"client [{r.ClientIp}]";
}
