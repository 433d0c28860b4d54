using System.Net.Http.Json;
using MailCluster.Cluster.Admin;
using static MailCluster.Protocol.Tests.Admin.AdminHarness;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Admin;

/// <summary>Every queue operation of the admin API changes what it says, on real queued mail and a real sink.</summary>
public sealed class AdminQueueTests
{
    [Fact]
    public async Task Queue_list_shows_counts_and_entries_and_flush_delivers_to_the_sink()
    {
        await using var admin = await AdminHarness.StartAsync();
        var id = await admin.SendAsync("a@relay.test", "b@relay.test");

        var summary = await admin.SummaryAsync();
        Assert.Equal((2, 0, 0), (summary.Active, summary.Held, summary.Deferred));
        Assert.NotNull(summary.OldestAgeSeconds);
        var entries = await admin.GetAsync<QueueEntriesView>($"/api/queues/{Escape(admin.Hop)}/entries");
        Assert.Equal(["a@relay.test", "b@relay.test"], entries.Entries.Select(e => e.Recipient).Order());
        Assert.All(entries.Entries, e => Assert.Equal(id, e.QueueId));

        var message = await admin.GetAsync<MessageView>($"/api/messages/{id}");
        Assert.True(message.InSpool);
        Assert.Equal("sender@origin.test", message.Sender);
        Assert.Equal(2, message.Recipients.Count);
        Assert.Contains(message.Headers, h => h.Name == "Subject" && h.Value == "admin test");

        Assert.Equal(0, admin.Sink.MessageCount);
        await admin.PostAsync($"/api/queues/{Escape(admin.Hop)}/flush");
        var got = Assert.Single(await admin.Sink.WaitForMessagesAsync(1, Wait));
        Assert.Equal(["a@relay.test", "b@relay.test"], got.Recipients.Order());
        await WaitForEmptySpoolAsync(admin.Node, Wait);
    }

    [Fact]
    public async Task Delete_by_id_removes_the_message_and_nothing_is_delivered_or_bounced()
    {
        await using var admin = await AdminHarness.StartAsync();
        var drop = await admin.SendAsync("c@relay.test");
        var keep = await admin.SendAsync("d@relay.test");

        var deleted = await admin.PostAsync($"/api/messages/{drop}/delete");
        Assert.Equal(1, deleted.Affected);
        Assert.Equal([drop], deleted.QueueIds);
        // The queue entry goes at once; the spooled body follows asynchronously.
        await WaitUntilAsync(async () => (int)(await admin.Http.GetAsync($"/api/messages/{drop}")).StatusCode == 404, Wait, "the deleted message is gone");

        // Flushing everything now delivers only what was kept.
        await admin.PostAsync($"/api/queues/{Escape(admin.Hop)}/flush");
        var got = Assert.Single(await admin.Sink.WaitForMessagesAsync(1, Wait));
        Assert.Equal(["d@relay.test"], got.Recipients);
        await WaitForEmptySpoolAsync(admin.Node, Wait);
        await Task.Delay(500);
        Assert.Equal(1, admin.Sink.MessageCount);
        Assert.Equal(0, admin.Senders.MessageCount);
        _ = keep;
    }

    [Fact]
    public async Task Hold_keeps_a_message_from_a_flush_until_it_is_released()
    {
        await using var admin = await AdminHarness.StartAsync();
        var id = await admin.SendAsync("e@relay.test");

        Assert.Equal(1, (await admin.PostAsync($"/api/messages/{id}/hold")).Affected);
        Assert.Equal((0, 1), ((await admin.SummaryAsync()).Active, (await admin.SummaryAsync()).Held));
        await admin.PostAsync($"/api/messages/{id}/flush");
        await Task.Delay(1000);
        Assert.Equal(0, admin.Sink.MessageCount);

        Assert.Equal(1, (await admin.PostAsync($"/api/messages/{id}/release")).Affected);
        await admin.PostAsync($"/api/messages/{id}/flush");
        Assert.Single(await admin.Sink.WaitForMessagesAsync(1, Wait));
    }

    [Fact]
    public async Task Hold_and_delete_by_filter_select_by_recipient_domain_and_sender()
    {
        await using var admin = await AdminHarness.StartAsync();
        await admin.SendAsync("f@relay.test");
        await admin.SendAsync("g@relay.test");

        var held = await admin.PostAsync("/api/messages/hold", new MessageFilter("relay.test", null, null));
        Assert.Equal(2, held.Affected);
        Assert.Equal(2, (await admin.SummaryAsync()).Held);
        var none = await admin.PostAsync("/api/messages/delete", new MessageFilter(null, "nobody@origin.test", null));
        Assert.Equal(0, none.Affected);
        var deleted = await admin.PostAsync("/api/messages/delete", new MessageFilter(null, "sender@origin.test", 0));
        Assert.Equal(2, deleted.Affected);
        await WaitForEmptySpoolAsync(admin.Node, Wait);

        var empty = await admin.Http.PostAsJsonAsync("/api/messages/delete", new { }, Json);
        Assert.Equal(400, (int)empty.StatusCode);
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_queue_and_message_are_404_problem_details()
    {
        await using var admin = await AdminHarness.StartAsync();
        var queue = await admin.Http.GetAsync($"/api/queues/{Escape("smtp:[192.0.2.1]:25")}/entries");
        Assert.Equal(404, (int)queue.StatusCode);
        Assert.Equal("application/problem+json", queue.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (int)(await admin.Http.PostAsJsonAsync("/api/messages/NOSUCHID/flush", new { })).StatusCode);
    }
}
