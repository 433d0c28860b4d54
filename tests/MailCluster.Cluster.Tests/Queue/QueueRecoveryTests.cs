using MailCluster.Cluster.Queue;

namespace MailCluster.Cluster.Tests.Queue;

/// <summary>
/// Recovery from the journal plus the spool rows: the rows are the entries, the journal only what happened to them
/// later. Table-style cases of <see cref="QueueState.Replay"/> followed by <see cref="QueueState.MergeFromSpool"/>.
/// </summary>
public sealed class QueueRecoveryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static QueueEntry Row(string id, string rcpt) => new(id, rcpt, rcpt, "s@example.org", T0, 100);

    private static readonly Func<string, string, bool> NothingRetired = (_, _) => false;

    [Fact]
    public void Rows_without_journal_events_become_fresh_due_entries()
    {
        var state = QueueState.Empty;
        var merge = state.MergeFromSpool([Row("A", "x@d.test"), Row("A", "y@d.test"), Row("B", "z@d.test")], NothingRetired);
        state = merge.State;
        var finished = merge.Finished;
        Assert.Empty(finished);
        Assert.Equal(2, state.MessageCount);
        Assert.Equal(2, state.Due(T0, new HashSet<string>()).Count());
    }

    [Fact]
    public void A_deferral_journaled_before_the_rows_are_read_is_applied_to_them()
    {
        var state = QueueState.Empty;
        state = state.Replay(new RecipientsDeferred("A", ["x@d.test"], "451 try later", T0.AddMinutes(5), T0));
        Assert.True(state.IsEmpty); // waits for the row
        state = state.MergeFromSpool([Row("A", "x@d.test")], NothingRetired).State;
        var r = state.Find("A")!.Recipients["x@d.test"];
        Assert.Equal(1, r.Attempts);
        Assert.Equal(T0.AddMinutes(5), r.NextAttemptAt);
        Assert.Empty(state.Due(T0, new HashSet<string>()));
    }

    [Fact]
    public void Events_about_messages_whose_rows_are_gone_are_dropped()
    {
        var state = QueueState.Empty;
        state = state.Replay(new RecipientsDeferred("GONE", ["x@d.test"], "451", T0.AddMinutes(5), T0));
        state = state.Replay(new MessagesHeld(["GONE"]));
        var merge = state.MergeFromSpool([], NothingRetired);
        state = merge.State;
        var finished = merge.Finished;
        Assert.Empty(finished);
        Assert.True(state.IsEmpty);
    }

    [Fact]
    public void A_journaled_delete_or_bounce_whose_rows_remain_is_returned_for_retirement()
    {
        var state = QueueState.Empty;
        state = state.Replay(new MessagesDeleted(["A"]));
        state = state.Replay(new RecipientsFailed("B", [new FailedRecipient("y@d.test", "5.1.1", "550 no such user", null)], false, T0));
        state = state.Replay(new BounceQueued("B", ["y@d.test"], "BOUNCE1"));
        var merge = state.MergeFromSpool([Row("A", "x@d.test"), Row("B", "y@d.test"), Row("C", "z@d.test")], NothingRetired);
        state = merge.State;
        var finished = merge.Finished;
        Assert.Equal([("A", (IReadOnlyList<string>)["x@d.test"]), ("B", ["y@d.test"])],
            finished.OrderBy(f => f.QueueId).Select(f => (f.QueueId, (IReadOnlyList<string>)f.Recipients.ToList())).ToList(),
            new FinishedComparer());
        Assert.Equal(["C"], state.Messages.Select(m => m.QueueId));
    }

    [Fact]
    public void A_hold_for_several_messages_applies_to_known_ones_now_and_to_the_others_when_their_rows_come()
    {
        var state = QueueState.Empty;
        state = state.Replay(new EntriesAdded([Row("OLD", "x@d.test")])); // a journal from before the rows were the entries
        state = state.Replay(new MessagesHeld(["OLD", "NEW"]));
        Assert.True(state.Find("OLD")!.Held);
        state = state.MergeFromSpool([Row("NEW", "y@d.test"), Row("OLD", "x@d.test")], NothingRetired).State;
        Assert.True(state.Find("NEW")!.Held);
        Assert.Equal(1, state.Find("OLD")!.Recipients.Count);
    }

    [Fact]
    public void Rows_of_entries_finished_here_are_not_taken_back()
    {
        var state = QueueState.Empty;
        state = state.Apply(new EntriesAdded([Row("A", "x@d.test")]));
        state = state.Apply(new RecipientsDelivered("A", ["x@d.test"], T0)); // delivered; its row is being retired
        var retired = new HashSet<(string, string)> { ("A", "x@d.test") };
        state = state.MergeFromSpool([Row("A", "x@d.test")], (id, r) => retired.Contains((id, r))).State;
        Assert.True(state.IsEmpty);
    }

    [Fact]
    public void Entries_already_known_are_left_as_they_are()
    {
        var state = QueueState.Empty;
        state = state.Apply(new EntriesAdded([Row("A", "x@d.test")]));
        state = state.Apply(new RecipientsDeferred("A", ["x@d.test"], "451", T0.AddMinutes(5), T0));
        state = state.MergeFromSpool([Row("A", "x@d.test")], NothingRetired).State;
        Assert.Equal(1, state.Find("A")!.Recipients["x@d.test"].Attempts);
    }

    [Fact]
    public void A_snapshot_message_delivered_since_has_no_rows_and_is_dropped_on_the_first_load()
    {
        // A snapshot holds A (x, y) and B (z); since then A's x was delivered (its row retired, no journal event) and B
        // entirely. Only A's y is still spooled.
        var state = QueueState.FromSnapshot(new QueueSnapshot([
            new QueueSnapshot.Message("A", "s@o.test", T0, 1, false, [new RecipientProgress("x@d.test", "x@d.test"), new RecipientProgress("y@d.test", "y@d.test")]),
            new QueueSnapshot.Message("B", "s@o.test", T0, 1, false, [new RecipientProgress("z@d.test", "z@d.test")])], null));
        (state, var gone) = state.DropUnspooled(new HashSet<string> { "A", "B" }, new HashSet<(string, string)> { ("A", "y@d.test") });
        Assert.Equal(1, gone);
        Assert.Equal(["y@d.test"], state.Find("A")!.Recipients.Keys);
        Assert.Null(state.Find("B"));
    }

    [Fact]
    public void Recently_retired_entries_are_remembered_for_the_window_only()
    {
        var retired = new RetiredEntries(TimeSpan.FromMinutes(15));
        retired.Add("A", ["x@d.test"], T0);
        Assert.True(retired.Contains("A", "x@d.test"));
        retired.Add("B", ["y@d.test"], T0.AddMinutes(16));
        Assert.False(retired.Contains("A", "x@d.test"));
        Assert.True(retired.Contains("B", "y@d.test"));
    }

    private sealed class FinishedComparer : IEqualityComparer<(string, IReadOnlyList<string>)>
    {
        public bool Equals((string, IReadOnlyList<string>) a, (string, IReadOnlyList<string>) b) => a.Item1 == b.Item1 && a.Item2.SequenceEqual(b.Item2);
        public int GetHashCode((string, IReadOnlyList<string>) x) => x.Item1.GetHashCode();
    }
}
