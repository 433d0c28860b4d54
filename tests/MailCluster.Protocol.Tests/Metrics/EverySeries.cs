using MailCluster.Protocol.Tests.Admin;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Metrics;

/// <summary>Traffic of every kind the dashboard and the metrics table show, so that every series exists.</summary>
internal static class EverySeries
{
    /// <summary>A message accepted and delivered, and a RCPT refused by policy; returns once the delivery is counted.</summary>
    public static async Task ProduceAsync(AdminHarness admin)
    {
        await admin.SendAsync("d@relay.test");
        await using (var client = await RawSmtpClient.ConnectAsync(admin.Node.Endpoint))
        {
            Assert.StartsWith("250", await client.CommandAsync("EHLO client.example\r\n"));
            Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@origin.test>\r\n"));
            Assert.StartsWith("554", await client.CommandAsync("RCPT TO:<x@elsewhere.example>\r\n"));
        }
        await admin.PostAsync($"/api/queues/{AdminHarness.Escape(admin.Hop)}/flush");
        await admin.Sink.WaitForMessagesAsync(1, AdminHarness.Wait);
        await WaitUntilAsync(async () => PrometheusText.Value(await MetricsEndpointTests.ScrapeAsync(admin),
            "mailcluster_deliveries_total", "outcome=\"delivered\"") >= 1, AdminHarness.Wait, "the delivery is counted");
    }
}
