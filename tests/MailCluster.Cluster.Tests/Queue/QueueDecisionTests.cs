using MailCluster.Cluster.Queue;
using MailCluster.Cluster.Queue.Decisions;
using MailCluster.Core.Delivery;
using MailCluster.Core.Queue;

namespace MailCluster.Cluster.Tests.Queue;

/// <summary>The queue's decisions as tables, without Akka: what a delivery report means, what has expired, who gets a bounce.</summary>
public sealed class QueueDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly RetryPolicy Retry = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(40), TimeSpan.FromHours(1), null);

    private static QueuedMessage Message(DateTimeOffset arrived, params RecipientProgress[] recipients) =>
        new("Q1", "s@origin.test", arrived, 100, false, recipients.ToDictionary(r => r.Recipient, StringComparer.Ordinal));

    private static RecipientProgress Pending(string rcpt, int attempts = 0) => new(rcpt, rcpt, attempts);

    private static RecipientResult Result(string rcpt, DeliveryStatus status, string code = "2.0.0") =>
        new(rcpt, status, code, $"{code} diagnostic", "mx.dest.test");

    [Theory]
    // status of x, y          -> outcome of x, y       , events journaled
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Delivered, RecipientOutcome.Delivered, RecipientOutcome.Delivered, "")]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Deferred, RecipientOutcome.Delivered, RecipientOutcome.Deferred, "RecipientsDeferred")]
    [InlineData(DeliveryStatus.Failed, DeliveryStatus.Delivered, RecipientOutcome.Bounced, RecipientOutcome.Delivered, "RecipientsFailed")]
    [InlineData(DeliveryStatus.Failed, DeliveryStatus.Deferred, RecipientOutcome.Bounced, RecipientOutcome.Deferred, "RecipientsFailed,RecipientsDeferred")]
    public void A_report_is_read_recipient_by_recipient(DeliveryStatus x, DeliveryStatus y, RecipientOutcome ox, RecipientOutcome oy, string events)
    {
        var message = Message(T0, Pending("x@d.test"), Pending("y@d.test"));
        var decision = DeliveryOutcomes.OnReport(message, [Result("x@d.test", x), Result("y@d.test", y)], Retry, T0.AddMinutes(1));
        Assert.Equal([ox, oy], decision.Recipients.OrderBy(r => r.Result.Recipient).Select(r => r.Outcome));
        Assert.Equal(events, string.Join(",", decision.Events.Select(e => e.GetType().Name)));
        Assert.Equal(decision.Recipients.Where(r => r.Outcome == RecipientOutcome.Delivered).Select(r => r.Result.Recipient).Order(),
            decision.Delivered.Order());
    }

    [Fact]
    public void A_deferral_is_retried_on_the_messages_grid_and_the_failure_keeps_its_code()
    {
        var message = Message(T0, Pending("x@d.test"), Pending("y@d.test"));
        var decision = DeliveryOutcomes.OnReport(message,
            [Result("x@d.test", DeliveryStatus.Deferred, "4.2.1"), Result("y@d.test", DeliveryStatus.Failed, "5.1.1")], Retry, T0.AddMinutes(1));
        var deferred = Assert.Single(decision.Events.OfType<RecipientsDeferred>());
        Assert.Equal(T0.AddMinutes(5), deferred.NextAttemptAt);
        Assert.Equal(T0.AddMinutes(5), decision.Recipients.Single(r => r.Outcome == RecipientOutcome.Deferred).RetryAt);
        var failed = Assert.Single(Assert.Single(decision.Events.OfType<RecipientsFailed>()).Recipients);
        Assert.Equal("5.1.1", failed.Status);
    }

    [Fact]
    public void A_deferral_at_the_end_of_the_lifetime_expires_with_4_4_7()
    {
        var message = Message(T0, Pending("x@d.test", attempts: 5));
        var decision = DeliveryOutcomes.OnReport(message, [Result("x@d.test", DeliveryStatus.Deferred, "4.4.1")], Retry, T0.AddHours(1));
        Assert.Equal(RecipientOutcome.Expired, Assert.Single(decision.Recipients).Outcome);
        var failed = Assert.Single(decision.Events.OfType<RecipientsFailed>());
        Assert.True(failed.Expired);
        Assert.Equal("4.4.7", failed.Recipients.Single().Status);
        Assert.EndsWith("(delivery time expired)", failed.Recipients.Single().Diagnostic);
    }

    [Fact]
    public void Results_for_recipients_no_longer_pending_are_ignored()
    {
        var failed = Pending("y@d.test") with { Failure = new FailedRecipient("y@d.test", "5.1.1", "gone", null) };
        var message = Message(T0, Pending("x@d.test"), failed);
        var decision = DeliveryOutcomes.OnReport(message,
            [Result("y@d.test", DeliveryStatus.Delivered), Result("stranger@d.test", DeliveryStatus.Delivered)], Retry, T0);
        Assert.Same(ReportDecision.Nothing, decision);
    }

    [Theory]
    [InlineData(59, false, 0)]
    [InlineData(60, false, 1)]
    [InlineData(60, true, 0)]   // being delivered: its report decides
    [InlineData(120, false, 1)]
    public void Messages_past_their_lifetime_expire_unless_in_flight(int minutesAfterArrival, bool inFlight, int expired)
    {
        var message = Message(T0, Pending("x@d.test"));
        var overdue = DeliveryOutcomes.Overdue([message], inFlight ? new HashSet<string> { "Q1" } : new HashSet<string>(), Retry,
            T0.AddMinutes(minutesAfterArrival));
        Assert.Equal(expired, overdue.Count);
        if (expired > 0) Assert.Equal(EnhancedStatusCode.DeliveryTimeExpired.ToString(), overdue[0].Recipients.Single().Status);
    }

    [Theory]
    [InlineData("s@origin.test", "Q1", "postmaster@local.test", "s@origin.test")]
    [InlineData("", "Q1", "postmaster@local.test", "postmaster@local.test")]   // a failed bounce: the postmaster, once
    [InlineData("", "Q1", null, null)]                                        // double-bounce notices turned off
    [InlineData("", "Q1BAAAAAAAAD0123ABCD", "postmaster@local.test", null)]   // a double-bounce notice that failed: dropped, no loop
    public void The_bounce_goes_to_the_sender_or_once_to_the_postmaster(string sender, string queueId, string? postmaster, string? expected) =>
        Assert.Equal(expected, BounceDecisions.BounceRecipient(sender, queueId, postmaster));

    [Theory]
    [InlineData("5.1.1", true, 5, 1, 1)]
    [InlineData("4.4.7", true, 4, 4, 7)]
    [InlineData("2.0.0", true, 2, 0, 0)]
    [InlineData("5.7.1234", false, 0, 0, 0)]
    [InlineData("3.1.1", false, 0, 0, 0)]
    [InlineData("5.1", false, 0, 0, 0)]
    [InlineData("x.y.z", false, 0, 0, 0)]
    public void Enhanced_status_codes_parse_strictly(string text, bool ok, int c, int s, int d)
    {
        Assert.Equal(ok, EnhancedStatusCode.TryParse(text, out var code));
        if (ok) Assert.Equal((new EnhancedStatusCode(c, s, d), text), (code, code.ToString()));
    }

    [Fact]
    public void A_recipient_status_is_closed_and_its_failure_code_typed()
    {
        Assert.Equal(RecipientStatus.Pending, Pending("x@d.test").Status);
        var bounced = Pending("x@d.test") with { Failure = new FailedRecipient("x@d.test", "5.1.1", "no such user", null) };
        Assert.Equal(RecipientStatus.Failed, bounced.Status);
        Assert.Equal(new EnhancedStatusCode(5, 1, 1), bounced.FailureCode);
        Assert.Equal(RecipientStatus.Expired, (bounced with { Expired = true }).Status);
    }
}
