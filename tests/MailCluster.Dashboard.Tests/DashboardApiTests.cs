using MailCluster.Cluster.Admin.Dashboard;
using MailCluster.Protocol.Tests.Admin;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Dashboard.Tests;

/// <summary>What the page relies on: its files without a token, the API with one, stats and search on real queued mail.</summary>
public sealed class DashboardApiTests
{
    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/dashboard", "text/html")]
    [InlineData("/dashboard/dashboard.js", "text/javascript")]
    [InlineData("/dashboard/dashboard.css", "text/css")]
    public async Task Static_files_are_served_without_the_token_and_with_a_strict_content_security_policy(string path, string mediaType)
    {
        await using var admin = await AdminHarness.StartAsync("secret");
        using var anonymous = new HttpClient { BaseAddress = new Uri(admin.Url) };

        var response = await anonymous.GetAsync(path);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);

        // The data behind the page still needs the token.
        foreach (var api in new[] { "/api/stats", "/api/messages?q=x", "/api/queues", "/api/cluster" })
            Assert.Equal(401, (int)(await anonymous.GetAsync(api)).StatusCode);
    }

    [Fact]
    public async Task Stats_count_accepted_messages()
    {
        await using var admin = await AdminHarness.StartAsync();
        var before = await admin.GetAsync<StatsView>("/api/stats");
        await admin.SendAsync("a@relay.test");
        await admin.SendAsync("b@relay.test");

        var after = await admin.GetAsync<StatsView>("/api/stats");
        Assert.Equal("mx.test", after.HostName);
        // The meter is process-wide: other test nodes in this process may add to it too, never take away.
        Assert.True(after.Accepted - before.Accepted >= 2, $"accepted went from {before.Accepted} to {after.Accepted}");
        Assert.True(after.At > before.At);
    }

    [Fact]
    public async Task Search_finds_messages_by_queue_id_sender_and_recipient_with_every_recipient_state()
    {
        await using var admin = await AdminHarness.StartAsync();
        var first = await admin.SendAsync("alice@relay.test", "bob@relay.test");
        var reply = await SendAsync(admin.Node, "other@origin.test", ["carol@relay.test"], Body("second"));
        var second = reply.Split(' ').Last().Trim();

        var byId = await admin.GetAsync<MessageSearchView>($"/api/messages?q={first.ToLowerInvariant()}");
        var found = Assert.Single(byId.Messages);
        Assert.Equal((first, "sender@origin.test"), (found.QueueId, found.Sender));
        Assert.Equal(["alice@relay.test", "bob@relay.test"], found.Recipients.Select(r => r.Recipient));
        Assert.All(found.Recipients, r => Assert.Equal((admin.Hop, "active"), (r.HopKey, r.State)));

        // A recipient match shows the whole message, not only the recipient that matched.
        Assert.Equal(2, Assert.Single((await admin.GetAsync<MessageSearchView>("/api/messages?q=BOB@")).Messages).Recipients.Count);
        Assert.Equal([second], (await admin.GetAsync<MessageSearchView>("/api/messages?q=other@origin")).Messages.Select(m => m.QueueId));
        Assert.Equal([second, first], (await admin.GetAsync<MessageSearchView>("/api/messages?q=origin.test")).Messages.Select(m => m.QueueId));
        Assert.Equal(0, (await admin.GetAsync<MessageSearchView>("/api/messages?q=nobody")).Total);

        var empty = await admin.Http.GetAsync("/api/messages?q=%20");
        Assert.Equal(400, (int)empty.StatusCode);
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType?.MediaType);
    }
}
