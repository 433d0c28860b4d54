using MailCluster.Protocol.Tests.Admin;
using Xunit.Abstractions;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Dashboard.Tests;

/// <summary>The dashboard in real headless Chromium against a node with mail waiting in a queue.</summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    // Quoted local parts may hold < and >: whoever sends us mail chooses this, and the page must show it as text.
    public const string HostileSender = "\"<img src=x onerror=alert(1)><b>x</b>\"@origin.test";

    [Fact]
    public async Task Page_shows_the_queued_mail_and_finds_a_message_by_queue_id()
    {
        BrowserCheck.AssertInstalled();
        const string token = "dashboard-test-token";
        // Samples every second, so the one-hour charts have points by the time the page looks.
        await using var admin = await AdminHarness.StartAsync(token, "mailcluster.admin.history-interval = 1s");
        await admin.SendAsync("a@relay.test", "b@relay.test");
        await admin.SendAsync("someone@origin.test"); // a second, shallower queue: the page lists the deeper one first
        var hostile = await SendAsync(admin.Node, HostileSender, ["c@relay.test"], Body("hostile sender"));
        var queueId = hostile.Split(' ').Last().Trim();

        var screenshot = Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        var (exitCode, log) = await BrowserCheck.RunAsync([admin.Url, admin.Hop, queueId, "3", screenshot], token);

        output.WriteLine(log);
        output.WriteLine($"screenshot: {screenshot}");
        Console.WriteLine($"dashboard screenshot: {screenshot}");
        Assert.True(exitCode == 0, $"dashboard-check.mjs exited {exitCode}:\n{log}");
        Assert.True(File.Exists(screenshot), "no screenshot was saved");
    }
}
