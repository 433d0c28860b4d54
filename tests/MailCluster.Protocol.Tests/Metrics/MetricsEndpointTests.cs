using MailCluster.Protocol.Tests.Admin;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Metrics;

/// <summary>
/// Process-wide gauges (queue depth) add up every in-process node, so these tests run alone, after the parallel ones:
/// then the only queues are their own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics (not in parallel)";
}

[Collection(MetricsCollection.Name)]
public sealed class MetricsEndpointTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    internal static async Task<IReadOnlyList<PrometheusText.Sample>> ScrapeAsync(AdminHarness admin)
    {
        var response = await admin.Http.GetAsync("/metrics");
        Assert.True(response.IsSuccessStatusCode, $"/metrics: {(int)response.StatusCode}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task<double> SmtpQueueAsync(AdminHarness admin, string name = "mailcluster_queue_messages") =>
        PrometheusText.Value(await ScrapeAsync(admin), name, "transport=\"smtp\"") ?? -1;

    [Fact]
    public async Task Queue_depth_rises_with_held_mail_and_falls_back_when_it_is_deleted()
    {
        await using var admin = await AdminHarness.StartAsync(); // smtp delivery held
        var baseline = await SmtpQueueAsync(admin);
        Assert.True(baseline >= 0, "no mailcluster_queue_messages{transport=\"smtp\"} series");

        var queueId = await admin.SendAsync("a@relay.test", "b@relay.test");
        await WaitUntilAsync(async () => await SmtpQueueAsync(admin) == baseline + 1, Wait, "queue depth counts the held message");
        await WaitUntilAsync(async () => await SmtpQueueAsync(admin, "mailcluster_queue_oldest_age_seconds") > 0, Wait, "the oldest age grows");
        Assert.True(await SmtpQueueAsync(admin, "mailcluster_queue_recipients") >= 2);

        var samples = await ScrapeAsync(admin);
        Assert.True(PrometheusText.Value(samples, "mailcluster_messages_accepted_total") >= 1);
        Assert.True(PrometheusText.Value(samples, "mailcluster_accept_latency_seconds_count") >= 1);
        Assert.True(PrometheusText.Value(samples, "mailcluster_journal_write_seconds_count") >= 1);
        Assert.True(PrometheusText.Value(samples, "mailcluster_spool_write_seconds_count", "operation=\"store\"") >= 1);
        Assert.True(PrometheusText.Value(samples, "mailcluster_cluster_members", "status=\"up\"") >= 1);
        await WaitUntilAsync(async () => PrometheusText.Value(await ScrapeAsync(admin), "mailcluster_queue_shards") >= 1, Wait,
            "the node reports the queue shard it hosts");

        await admin.PostAsync($"/api/messages/{queueId}/delete");
        await WaitUntilAsync(async () => await SmtpQueueAsync(admin) == baseline, Wait, "queue depth falls back after the delete");
        await WaitUntilAsync(async () => PrometheusText.Value(await ScrapeAsync(admin), "mailcluster_spool_write_seconds_count",
            "operation=\"complete\"") >= 1, Wait, "retiring the deleted message is a timed spool write");
    }

    [Fact]
    public async Task Delivered_mail_moves_the_delivery_counter_and_empties_the_queue()
    {
        await using var admin = await AdminHarness.StartAsync();
        var baseline = await SmtpQueueAsync(admin);
        await admin.SendAsync("c@relay.test");
        await WaitUntilAsync(async () => await SmtpQueueAsync(admin) == baseline + 1, Wait, "queue depth counts the held message");

        await admin.PostAsync($"/api/queues/{AdminHarness.Escape(admin.Hop)}/flush");
        await admin.Sink.WaitForMessagesAsync(1, Wait);
        await WaitUntilAsync(async () => await SmtpQueueAsync(admin) == baseline, Wait, "queue depth is back after delivery");
        Assert.True(PrometheusText.Value(await ScrapeAsync(admin), "mailcluster_deliveries_total", "outcome=\"delivered\"") >= 1);
    }
}
