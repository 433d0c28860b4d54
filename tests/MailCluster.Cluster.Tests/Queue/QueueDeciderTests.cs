using MailCluster.Cluster.Queue;
using MailCluster.Cluster.Queue.Decisions;
using MailCluster.Core.Delivery;
using MailCluster.Core.Queue;

namespace MailCluster.Cluster.Tests.Queue;

/// <summary>
/// <see cref="QueueDecider.Decide"/> as tables: a command and a state in, events and effects out; then the events
/// applied to the immutable state give what the queue shows.
/// </summary>
public sealed class QueueDeciderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly RetryPolicy Retry = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(40), TimeSpan.FromHours(1), null);
    private static readonly Func<string, string, bool> NothingFinished = (_, _) => false;

    private static QueueEntry Entry(string id, string rcpt, string sender = "s@origin.test", DateTimeOffset? at = null) =>
        new(id, rcpt, rcpt, sender, at ?? T0, 100);

    private static QueueState With(params QueueEntry[] entries) => QueueState.Empty.Apply(new EntriesAdded(entries));

    private static QueueState Run(QueueState state, QueueDecision decision) =>
        decision.Applied.Concat(decision.Journal).Aggregate(state, (s, e) => s.Apply(e));

    private static string Names(IEnumerable<IQueueEvent> events) => string.Join(",", events.Select(e => e.GetType().Name));

    [Fact]
    public void Applying_an_event_leaves_the_earlier_state_as_it_was()
    {
        var before = With(Entry("A", "x@d.test"));
        var after = before.Apply(new MessagesHeld(["A"]));
        Assert.False(before.Find("A")!.Held);
        Assert.True(after.Find("A")!.Held);
        Assert.Same(after, after.Apply(new MessagesHeld(["unknown"]))); // nothing changed, nothing copied
    }

    [Fact]
    public void An_enqueue_is_applied_not_journaled_and_skips_known_and_finished_entries()
    {
        var state = With(Entry("A", "x@d.test"));
        var finished = (string id, string r) => id == "B" && r == "y@d.test";
        var decision = QueueDecider.Decide(state,
            new QueueCommand.Enqueue([Entry("A", "x@d.test"), Entry("B", "y@d.test"), Entry("C", "z@d.test")], finished), Retry, T0);
        Assert.Empty(decision.Journal);
        Assert.Equal(1, decision.Affected);
        Assert.Equal(["A", "C"], Run(state, decision).Messages.Select(m => m.QueueId).Order());
        Assert.Same(QueueDecision.Nothing,
            QueueDecider.Decide(state, new QueueCommand.Enqueue([Entry("A", "x@d.test")], NothingFinished), Retry, T0));
    }

    [Theory]
    // x's result, y's result -> applied, journaled, retired now
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Delivered, "RecipientsDelivered", "", "x@d.test,y@d.test")]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Deferred, "RecipientsDelivered", "RecipientsDeferred", "x@d.test")]
    [InlineData(DeliveryStatus.Failed, DeliveryStatus.Deferred, "", "RecipientsFailed,RecipientsDeferred", "")]
    public void A_report_retires_delivered_rows_at_once_and_journals_the_rest(DeliveryStatus x, DeliveryStatus y, string applied,
        string journaled, string retired)
    {
        var state = With(Entry("A", "x@d.test"), Entry("A", "y@d.test"));
        var decision = QueueDecider.Decide(state, new QueueCommand.Report("A",
            [new RecipientResult("x@d.test", x, "2.0.0", "ok"), new RecipientResult("y@d.test", y, "4.2.0", "try later")]), Retry, T0.AddMinutes(1));
        Assert.Equal(applied, Names(decision.Applied));
        Assert.Equal(journaled, Names(decision.Journal));
        Assert.Equal(retired, string.Join(",", decision.RetireNow.SelectMany(r => r.Recipients)));
        Assert.Empty(decision.RetireAfterJournal);
        var next = Run(state, decision);
        Assert.Equal(x != DeliveryStatus.Delivered || y != DeliveryStatus.Delivered, next.Find("A") is not null);
    }

    [Fact]
    public void A_report_about_an_unknown_message_or_finished_recipients_decides_nothing()
    {
        var state = With(Entry("A", "x@d.test"));
        var ok = new RecipientResult("x@d.test", DeliveryStatus.Delivered, "2.0.0", "ok");
        Assert.Same(QueueDecision.Nothing, QueueDecider.Decide(state, new QueueCommand.Report("B", [ok]), Retry, T0));
        Assert.Same(QueueDecision.Nothing, QueueDecider.Decide(state,
            new QueueCommand.Report("A", [ok with { Recipient = "other@d.test" }]), Retry, T0));
    }

    [Fact]
    public void A_delete_retires_rows_only_after_the_journal_has_it()
    {
        var state = With(Entry("A", "x@d.test"), Entry("A", "y@d.test"), Entry("B", "z@d.test"));
        var decision = QueueDecider.Decide(state, new QueueCommand.Delete(["A", "A", "missing"]), Retry, T0);
        Assert.Equal("MessagesDeleted", Names(decision.Journal));
        Assert.Empty(decision.RetireNow);
        Assert.Equal(["x@d.test", "y@d.test"], decision.RetireAfterJournal.Single(r => r.QueueId == "A").Recipients.Order());
        Assert.Equal(1, decision.Affected);
        Assert.Equal(["B"], Run(state, decision).Messages.Select(m => m.QueueId));
        Assert.Same(QueueDecision.Nothing, QueueDecider.Decide(state, new QueueCommand.Delete(["missing"]), Retry, T0));
    }

    [Theory]
    [InlineData("hold", "A,missing", 1, true)]
    [InlineData("hold", "missing", 0, false)]
    [InlineData("release", "A", 1, false)]
    public void Hold_and_release_name_only_known_messages(string verb, string ids, int affected, bool heldAfter)
    {
        var state = With(Entry("A", "x@d.test"));
        if (verb == "release") state = state.Apply(new MessagesHeld(["A"]));
        var list = ids.Split(',');
        QueueCommand command = verb == "hold" ? new QueueCommand.Hold(list) : new QueueCommand.Release(list);
        var decision = QueueDecider.Decide(state, command, Retry, T0);
        Assert.Equal(affected, decision.Affected);
        Assert.Equal(heldAfter, Run(state, decision).Find("A")!.Held);
    }

    [Fact]
    public void A_flush_makes_deferred_entries_due_now_and_counts_the_messages()
    {
        var state = With(Entry("A", "x@d.test"), Entry("B", "y@d.test"))
            .Apply(new RecipientsDeferred("A", ["x@d.test"], "451", T0.AddHours(1), T0));
        Assert.Single(state.Due(T0.AddMinutes(1), new HashSet<string>()));
        var decision = QueueDecider.Decide(state, new QueueCommand.Flush(null), Retry, T0.AddMinutes(1));
        Assert.Equal(2, decision.Affected);
        Assert.Equal(2, Run(state, decision).Due(T0.AddMinutes(1), new HashSet<string>()).Count());
    }

    [Fact]
    public void Expiry_fails_overdue_messages_that_are_not_being_delivered()
    {
        var state = With(Entry("OLD", "x@d.test", at: T0), Entry("BUSY", "y@d.test", at: T0), Entry("NEW", "z@d.test", at: T0.AddMinutes(50)));
        var decision = QueueDecider.Decide(state, new QueueCommand.Expire(new HashSet<string> { "BUSY" }), Retry, T0.AddHours(1));
        var failed = Assert.Single(decision.Journal.OfType<RecipientsFailed>());
        Assert.Equal("OLD", failed.QueueId);
        Assert.True(failed.Recipients.Single().Status == EnhancedStatusCode.DeliveryTimeExpired.ToString());
        Assert.Equal(RecipientStatus.Expired, Run(state, decision).Find("OLD")!.Recipients["x@d.test"].Status);
    }

    [Fact]
    public void The_next_job_is_a_due_message_that_is_not_held_in_flight_or_excluded()
    {
        var state = With(Entry("HELD", "a@d.test"), Entry("BUSY", "b@d.test"), Entry("NOFLUSH", "c@d.test"), Entry("GO", "d@d.test"),
                Entry("GO", "e@d.test"))
            .Apply(new MessagesHeld(["HELD"]))
            .Apply(new RecipientsDeferred("GO", ["e@d.test"], "451", T0.AddHours(1), T0));
        var job = QueueDecider.NextJob(state, new HashSet<string> { "BUSY" }, id => id != "NOFLUSH", T0);
        Assert.Equal("GO", job!.Value.Message.QueueId);
        Assert.Equal(["d@d.test"], job.Value.Recipients);
        Assert.Null(QueueDecider.NextJob(state, new HashSet<string> { "BUSY", "GO" }, id => id != "NOFLUSH", T0));
    }

    [Theory]
    // sender, queue id            -> bounce to, double bounce, skip reason
    [InlineData("s@origin.test", "A", "s@origin.test", false, null)]
    [InlineData("", "A", "postmaster@here.test", true, null)]
    [InlineData("", "double-bounce notice", null, false, "undeliverable double-bounce notice")]
    public void Failed_recipients_get_one_bounce_plan_per_message(string sender, string queueId, string? to, bool doubleBounce, string? skip)
    {
        if (queueId != "A") queueId = BounceIds.For("ORIG", "hop.test", ["p@d.test"], BounceIds.DoubleBounce);
        var state = With(Entry(queueId, "x@d.test", sender), Entry(queueId, "y@d.test", sender))
            .Apply(new RecipientsFailed(queueId, [new FailedRecipient("x@d.test", "5.1.1", "550 unknown", null)], false, T0));
        var plan = Assert.Single(BounceDecisions.Pending(state, _ => false, "postmaster@here.test"));
        Assert.Equal((to, doubleBounce, skip), (plan.BounceTo, plan.DoubleBounce, plan.SkipReason));
        Assert.Equal(["x@d.test"], plan.Recipients);
        Assert.Empty(BounceDecisions.Pending(state, id => id == queueId, "postmaster@here.test"));
    }

    [Fact]
    public void A_delay_warning_goes_once_to_recipients_tried_and_still_pending_after_the_delay()
    {
        var state = With(Entry("A", "x@d.test"), Entry("A", "y@d.test"), Entry("N", "z@d.test", sender: ""))
            .Apply(new RecipientsDeferred("A", ["x@d.test"], "451", T0.AddMinutes(30), T0))
            .Apply(new RecipientsDeferred("N", ["z@d.test"], "451", T0.AddMinutes(30), T0));
        var after = TimeSpan.FromMinutes(20);
        Assert.Empty(BounceDecisions.DelayWarnings(state, after, _ => false, T0.AddMinutes(10)));
        Assert.Empty(BounceDecisions.DelayWarnings(state, null, _ => false, T0.AddMinutes(30)));
        var plan = Assert.Single(BounceDecisions.DelayWarnings(state, after, _ => false, T0.AddMinutes(30)));
        Assert.Equal(("A", "x@d.test"), (plan.Message.QueueId, plan.Recipients.Single()));
        var warned = state.Apply(new DelayWarningQueued("A", ["x@d.test"]));
        Assert.Empty(BounceDecisions.DelayWarnings(warned, after, _ => false, T0.AddMinutes(30)));
    }
}
