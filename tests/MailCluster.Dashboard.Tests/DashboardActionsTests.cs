using MailCluster.Protocol.Tests.Admin;
using Xunit.Abstractions;

namespace MailCluster.Dashboard.Tests;

/// <summary>Hold, delete and flush clicked in real headless Chromium, checked at the queue and at the destination; the policy table.</summary>
public sealed class DashboardActionsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Hold_delete_and_flush_from_the_page_act_on_the_queue_and_what_the_destination_receives()
    {
        BrowserCheck.AssertInstalled();
        const string token = "dashboard-actions-token";
        await using var admin = await AdminHarness.StartAsync(token);
        var held = await admin.SendAsync("held@relay.test");
        var deleted = await admin.SendAsync("deleted@relay.test");
        var delivered = await admin.SendAsync("delivered@relay.test");
        await using (var prober = await Protocol.Tests.RawSmtpClient.ConnectAsync(admin.Node.Endpoint))
        {
            Assert.StartsWith("250", await prober.CommandAsync("EHLO prober.example\r\n"));
            Assert.StartsWith("250", await prober.CommandAsync("MAIL FROM:<a@origin.test>\r\n"));
            Assert.StartsWith("554", await prober.CommandAsync("RCPT TO:<victim@foreign.example>\r\n")); // for the policy table
        }

        var screenshot = Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard-actions.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        var (exitCode, log) = await BrowserCheck.RunScriptAsync("actions-check.mjs", [admin.Url, admin.Hop, held, deleted, screenshot], token);
        output.WriteLine(log);
        Assert.True(exitCode == 0, $"actions-check.mjs exited {exitCode}:\n{log}");

        // The flush sent what was neither held nor deleted; the held message waits, the deleted one is gone for good.
        var deadline = DateTime.UtcNow + AdminHarness.Wait;
        while (!admin.Sink.Messages.Any(m => Recipients(m).Contains("delivered@relay.test")) && DateTime.UtcNow < deadline) await Task.Delay(100);
        var received = admin.Sink.Messages.SelectMany(Recipients).ToList();
        Assert.Contains("delivered@relay.test", received);
        Assert.DoesNotContain("deleted@relay.test", received);
        Assert.DoesNotContain("held@relay.test", received);
        var summary = await admin.SummaryAsync();
        Assert.Equal((1, 0), (summary.Held, summary.Active + summary.Deferred + summary.Delivering));
        output.WriteLine($"held {held}, deleted {deleted}, delivered {delivered}");
    }

    private static IEnumerable<string> Recipients(TestSupport.SinkMessage message) => message.Recipients;
}
