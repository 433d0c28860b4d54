// TEMPORARY: stand-ins for helper branches; deleted at merge.
namespace MailCluster.Core.Queue
{
    public sealed record RetryPolicy(TimeSpan MinimumBackoff, TimeSpan MaximumBackoff, TimeSpan MaximumLifetime, TimeSpan? DelayWarningAfter = null);
    public static class RetrySchedule { public static DateTimeOffset? Next(RetryPolicy p, DateTimeOffset arrival, int attempts, DateTimeOffset now) => null; }
}
namespace MailCluster.Core.Bounce
{
    public static class DsnPolicy { public static bool ShouldBounce(string sender) => sender != ""; }
}
namespace MailCluster.Core.Bounce
{
    public sealed record DsnRecipient(string FinalRecipient, string? OriginalRecipient, string Status, string Diagnostic, string? RemoteMta, DateTimeOffset LastAttempt, DateTimeOffset? WillRetryUntil);
    public sealed record DsnReport(string ReportingMta, string OriginalQueueId, string OriginalSender, DateTimeOffset ArrivalDate, IReadOnlyList<DsnRecipient> Recipients, ReadOnlyMemory<byte> OriginalContent, bool IsDelayWarning);
    public static class DsnBuilder { public static byte[] Build(DsnReport r) => []; }
}
