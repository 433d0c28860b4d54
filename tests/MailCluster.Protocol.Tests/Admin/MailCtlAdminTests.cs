using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MailCluster.Cli;
using static MailCluster.Protocol.Tests.Admin.AdminHarness;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Admin;

/// <summary>mailctl's admin commands, in-process, against a running node's admin endpoint.</summary>
public sealed class MailCtlAdminTests
{
    private sealed record Outcome(int Exit, string Out, string Error)
    {
        public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}--- stderr\n{Error}";
    }

    private static async Task<Outcome> MailCtlAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await MailCtl.RunAsync(args, CliConsole.Captured("", output, error));
        return new(exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Queue_list_show_qshape_and_message_show_describe_the_queued_mail()
    {
        await using var admin = await AdminHarness.StartAsync();
        var id = await admin.SendAsync("a@relay.test", "b@relay.test");

        var list = await MailCtlAsync("queue", "list", "--url", admin.Url);
        Assert.True(list.Exit == 0, list.ToString());
        var row = Assert.Single(list.Out.Split('\n'), l => l.StartsWith(admin.Hop, StringComparison.Ordinal));
        Assert.Equal(admin.Hop, row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
        Assert.Equal("2", row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]); // active

        var json = await MailCtlAsync("queue", "list", "--json", "--url", admin.Url);
        var queue = Assert.Single(JsonDocument.Parse(json.Out).RootElement.EnumerateArray());
        Assert.Equal(2, queue.GetProperty("active").GetInt32());

        var show = await MailCtlAsync("queue", "show", admin.Hop, "--url", admin.Url);
        Assert.True(show.Exit == 0, show.ToString());
        Assert.Contains("a@relay.test", show.Out);
        Assert.Contains(id, show.Out);

        var qshape = await MailCtlAsync("qshape", "--url", admin.Url);
        Assert.True(qshape.Exit == 0, qshape.ToString());
        var relay = Assert.Single(qshape.Out.Split('\n'), l => l.StartsWith("relay.test", StringComparison.Ordinal));
        Assert.Equal(["relay.test", "2", "2"], relay.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3));

        var message = await MailCtlAsync("message", "show", id, "--url", admin.Url);
        Assert.True(message.Exit == 0, message.ToString());
        Assert.Contains("Subject: admin test", message.Out);
        Assert.Contains("<sender@origin.test>", message.Out);

        var cluster = await MailCtlAsync("cluster", "status", "--url", admin.Url);
        Assert.True(cluster.Exit == 0, cluster.ToString());
        Assert.Contains("Up", cluster.Out);
        Assert.Contains("(this node)", cluster.Out);
    }

    [Fact]
    public async Task Message_trace_shows_the_session_the_acceptance_and_the_delivery_in_order()
    {
        await using var admin = await AdminHarness.StartAsync();
        var id = await admin.SendAsync("t@relay.test");
        Assert.Equal(0, (await MailCtlAsync("queue", "flush", "--id", id, "--url", admin.Url)).Exit);
        await admin.Sink.WaitForMessagesAsync(1, Wait);

        string[] events = [];
        var deadline = DateTime.UtcNow + Wait;
        while (!events.Contains("delivered") && DateTime.UtcNow < deadline)
        {
            var json = await MailCtlAsync("message", "trace", id, "--json", "--url", admin.Url);
            Assert.True(json.Exit == 0, json.ToString());
            events = JsonDocument.Parse(json.Out).RootElement.GetProperty("events").EnumerateArray()
                .Select(e => e.GetProperty("event").GetString()!).ToArray();
        }
        // The session's lines before the acceptance come first, then the message's own, in the order they happened.
        var order = new[] { "connect", "helo", "accepted", "delivered" }.Select(e => Array.IndexOf(events, e)).ToArray();
        Assert.True(order.All(i => i >= 0) && order.SequenceEqual(order.Order()), string.Join(", ", events));

        var table = await MailCtlAsync("message", "trace", id, "--url", admin.Url);
        Assert.True(table.Exit == 0, table.ToString());
        Assert.Contains(table.Out.Split('\n'), l => l.Contains("delivered") && l.Contains("to=t@relay.test"));
        var unknown = await MailCtlAsync("message", "trace", "NOSUCHID", "--url", admin.Url);
        Assert.Equal(ExitCodes.Refused, unknown.Exit);
    }

    [Fact]
    public async Task Hold_flush_release_and_delete_change_what_they_say()
    {
        await using var admin = await AdminHarness.StartAsync();
        var keep = await admin.SendAsync("k@relay.test");
        var drop = await admin.SendAsync("d@relay.test");

        Assert.Equal(0, (await MailCtlAsync("queue", "hold", keep, "--url", admin.Url)).Exit);
        Assert.Equal(0, (await MailCtlAsync("queue", "delete", drop, "--url", admin.Url)).Exit);
        Assert.Equal(0, (await MailCtlAsync("queue", "flush", "--url", admin.Url)).Exit);
        await Task.Delay(1000);
        Assert.Equal(0, admin.Sink.MessageCount);

        Assert.Equal(0, (await MailCtlAsync("queue", "release", "--domain", "relay.test", "--url", admin.Url)).Exit);
        Assert.Equal(0, (await MailCtlAsync("queue", "flush", "--id", keep, "--url", admin.Url)).Exit);
        var got = Assert.Single(await admin.Sink.WaitForMessagesAsync(1, Wait));
        Assert.Equal(["k@relay.test"], got.Recipients);
        await WaitForEmptySpoolAsync(admin.Node, Wait);
        Assert.True(admin.Senders.MessageCount == 0, "deleting or holding is not failing, yet the sender got: " + string.Join(" | ",
            admin.Senders.Messages.Select(m => System.Text.Encoding.UTF8.GetString(m.Content).Split("\r\n\r\n")[0].Replace("\r\n", " / "))));
    }

    [Fact]
    public async Task Exit_codes_not_found_unauthorized_usage_and_unreachable()
    {
        await using var admin = await AdminHarness.StartAsync(token: "t0ken");
        var unauthorized = await MailCtlAsync("queue", "list", "--url", admin.Url);
        Assert.Equal(ExitCodes.Refused, unauthorized.Exit);
        Assert.Contains("Unauthorized", unauthorized.Error);
        Assert.Equal(0, (await MailCtlAsync("queue", "list", "--url", admin.Url, "--token", "t0ken")).Exit);
        Assert.Equal(0, (await MailCtlAsync("--url", admin.Url, "--token", "t0ken", "queue", "list")).Exit); // global options first
        var missing = await MailCtlAsync("message", "show", "NOSUCHID", "--url", admin.Url, "--token", "t0ken");
        Assert.Equal(ExitCodes.Refused, missing.Exit);
        Assert.Contains("No such message", missing.Error);
        Assert.Equal(ExitCodes.Usage, (await MailCtlAsync("queue", "hold", "--url", admin.Url)).Exit);

        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var unreachable = await MailCtlAsync("queue", "list", "--url", $"http://127.0.0.1:{port}");
        Assert.Equal(ExitCodes.Unavailable, unreachable.Exit);
    }
}
