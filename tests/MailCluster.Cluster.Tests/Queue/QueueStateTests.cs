using MailCluster.Cluster.Queue;

namespace MailCluster.Cluster.Tests.Queue;

public sealed class QueueStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static QueueEntry Entry(string id, string rcpt, string sender = "s@example.org") => new(id, rcpt, rcpt, sender, T0, 100);

    private static QueueState With(params QueueEntry[] entries)
    {
        var state = QueueState.Empty;
        state = state.Apply(new EntriesAdded(entries));
        return state;
    }

    [Fact]
    public void Adding_the_same_entry_twice_keeps_one()
    {
        var state = With(Entry("A", "x@d.test"));
        state = state.Apply(new EntriesAdded([Entry("A", "x@d.test"), Entry("A", "y@d.test")]));
        Assert.Equal(["x@d.test", "y@d.test"], state.Find("A")!.Recipients.Keys.Order());
    }

    [Fact]
    public void Delivered_recipients_leave_and_the_message_goes_with_the_last()
    {
        var state = With(Entry("A", "x@d.test"), Entry("A", "y@d.test"));
        state = state.Apply(new RecipientsDelivered("A", ["x@d.test"], T0));
        Assert.Equal(["y@d.test"], state.Find("A")!.Recipients.Keys);
        state = state.Apply(new RecipientsDelivered("A", ["y@d.test"], T0));
        Assert.True(state.IsEmpty);
    }

    [Fact]
    public void Deferred_entries_are_not_due_until_their_next_attempt()
    {
        var state = With(Entry("A", "x@d.test"));
        Assert.Single(state.Due(T0, new HashSet<string>()));
        state = state.Apply(new RecipientsDeferred("A", ["x@d.test"], "451 try later", T0.AddMinutes(5), T0));

        Assert.Empty(state.Due(T0.AddMinutes(4), new HashSet<string>()));
        Assert.Single(state.Due(T0.AddMinutes(5), new HashSet<string>()));
        Assert.Equal(T0.AddMinutes(5), state.NextWakeUp());
        var progress = state.Find("A")!.Recipients["x@d.test"];
        Assert.Equal(1, progress.Attempts);
        Assert.Equal("451 try later", progress.LastError);
    }

    [Fact]
    public void In_flight_and_held_messages_are_not_due()
    {
        var state = With(Entry("A", "x@d.test"), Entry("B", "x@d.test"));
        Assert.Equal(["B"], state.Due(T0, new HashSet<string> { "A" }).Select(m => m.QueueId));
        state = state.Apply(new MessagesHeld(["B"]));
        Assert.Empty(state.Due(T0, new HashSet<string> { "A" }));
        state = state.Apply(new MessagesReleased(["B"]));
        Assert.Single(state.Due(T0, new HashSet<string> { "A" }));
    }

    [Fact]
    public void Failed_recipients_wait_for_their_bounce_then_leave()
    {
        var state = With(Entry("A", "x@d.test"), Entry("A", "y@d.test"));
        state = state.Apply(new RecipientsFailed("A", [new FailedRecipient("x@d.test", "5.1.1", "smtp; 550 5.1.1 unknown", "mx.d.test")], false, T0));

        Assert.Equal(["A"], state.AwaitingBounce().Select(m => m.QueueId));
        Assert.Equal(["y@d.test"], QueueState.DueRecipients(state.Find("A")!, T0).Select(r => r.Recipient));
        state = state.Apply(new BounceQueued("A", ["x@d.test"], "AB1"));
        Assert.Empty(state.AwaitingBounce());
        Assert.Equal(["y@d.test"], state.Find("A")!.Recipients.Keys);
    }

    [Fact]
    public void Flush_makes_deferred_entries_due_now()
    {
        var state = With(Entry("A", "x@d.test"));
        state = state.Apply(new RecipientsDeferred("A", ["x@d.test"], "451", T0.AddHours(1), T0));
        state = state.Apply(new MessagesFlushed(null, T0.AddMinutes(1)));
        Assert.Single(state.Due(T0.AddMinutes(1), new HashSet<string>()));
    }

    [Fact]
    public void Deleted_messages_are_gone()
    {
        var state = With(Entry("A", "x@d.test"), Entry("B", "x@d.test"));
        state = state.Apply(new MessagesDeleted(["A", "nonexistent"]));
        Assert.Equal(["B"], state.Messages.Select(m => m.QueueId));
    }

    [Fact]
    public void A_snapshot_restores_the_same_state()
    {
        var state = With(Entry("A", "x@d.test"), Entry("B", "y@d.test", sender: ""));
        state = state.Apply(new RecipientsDeferred("A", ["x@d.test"], "451", T0.AddMinutes(5), T0));
        state = state.Apply(new MessagesHeld(["B"]));

        var restored = QueueState.FromSnapshot(state.ToSnapshot());

        Assert.Equal(state.ToSnapshot().Messages.Count, restored.MessageCount);
        Assert.Equal(state.Find("A")!.Recipients["x@d.test"], restored.Find("A")!.Recipients["x@d.test"]);
        Assert.True(restored.Find("B")!.Held);
        Assert.Equal("451", restored.LastError);
    }
}
