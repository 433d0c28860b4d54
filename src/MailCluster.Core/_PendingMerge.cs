// TEMPORARY: stand-ins for helper branches; deleted at merge.
namespace MailCluster.Core.Queue
{
    public sealed record RetryPolicy(TimeSpan MinimumBackoff, TimeSpan MaximumBackoff, TimeSpan MaximumLifetime, TimeSpan? DelayWarningAfter = null);
    public static class RetrySchedule { public static DateTimeOffset? Next(RetryPolicy p, DateTimeOffset arrival, int attempts, DateTimeOffset now) => null; }
}
