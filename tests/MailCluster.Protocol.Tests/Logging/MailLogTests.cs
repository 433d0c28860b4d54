using System.Text.Json;
using MailCluster.TestSupport;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Logging;

/// <summary>
/// The mail log: one line per message event, keyed by queue id as Postfix's maillog is, so following one id shows the
/// message's life; the session id joins the connect line to the accepted one.
/// </summary>
public sealed class MailLogTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static async Task<(TestNode Node, SmtpSink Sink, CapturedLog Log)> StartAsync(string format)
    {
        var sink = SmtpSink.Start();
        var log = new CapturedLog();
        var node = await TestNode.StartAsync(Config($$"""
            mailcluster.routing.transports { "relay.test" = "{{SinkRoute(sink)}}" }
            mailcluster.logging.format = {{format}}
            akka.loglevel = INFO
            """), log);
        return (node, sink, log);
    }

    [Fact]
    public async Task Json_lines_carry_the_fields_and_one_queue_id_shows_connect_to_delivery()
    {
        var (node, sink, log) = await StartAsync("json");
        await using var nodeScope = node;
        await using var sinkScope = sink;

        var queueId = (await SendAsync(node, "sender@origin.test", ["to@relay.test"], Body("json log"))).Split(' ').Last().Trim();
        await log.WaitForLineAsync(Wait, "\"event\":\"delivered\"", queueId);

        var entries = log.Lines.Select(line => JsonDocument.Parse(line).RootElement).ToList(); // every line is one JSON object
        foreach (var e in entries)
            foreach (var field in new[] { "timestamp", "level", "logger", "message" })
                Assert.True(e.TryGetProperty(field, out _), $"no {field} in {e}");

        var ofMessage = entries.Where(e => Str(e, "queue_id") == queueId).ToList();
        var accepted = Assert.Single(ofMessage, e => Str(e, "event") == "accepted");
        Assert.Equal("sender@origin.test", Str(accepted, "from"));
        Assert.Equal(1, accepted.GetProperty("nrcpt").GetInt32());
        Assert.True(accepted.GetProperty("size").GetInt32() > 0);
        Assert.Contains($"queue_id={queueId}", Str(accepted, "message"));

        var delivered = Assert.Single(ofMessage, e => Str(e, "event") == "delivered");
        Assert.Equal("to@relay.test", Str(delivered, "to"));
        Assert.StartsWith("2.", Str(delivered, "dsn"));
        Assert.True(delivered.GetProperty("delay").GetDouble() >= 0);
        Assert.False(string.IsNullOrEmpty(Str(delivered, "relay")));

        var session = Str(accepted, "session_id");
        var connect = Assert.Single(entries, e => Str(e, "event") == "connect" && Str(e, "session_id") == session);
        Assert.Equal("127.0.0.1", Str(connect, "client_ip"));
        Assert.Contains(entries, e => Str(e, "event") == "helo" && Str(e, "session_id") == session && Str(e, "helo") == "client.example");
        Assert.Contains(entries, e => Str(e, "event") == "policy" && Str(e, "session_id") == session && Str(e, "rule") != null);
        Assert.Contains(entries, e => Str(e, "event") == "disconnect" && Str(e, "session_id") == session);
    }

    [Fact]
    public async Task Text_lines_are_key_value_pairs_and_grepping_the_queue_id_shows_accepted_then_delivered()
    {
        var (node, sink, log) = await StartAsync("text");
        await using var nodeScope = node;
        await using var sinkScope = sink;

        var queueId = (await SendAsync(node, "", ["to@relay.test"], Body("text log"))).Split(' ').Last().Trim();
        var delivered = await log.WaitForLineAsync(Wait, "event=delivered", $"queue_id={queueId}");
        Assert.Contains("to=<to@relay.test>", delivered);
        Assert.Matches(@" dsn=2\.\d\.\d ", delivered);
        Assert.Matches(@" delay=[\d.]+ ", delivered);

        var grep = log.Lines.Where(l => l.Contains(queueId)).ToList();
        Assert.Contains("event=accepted", grep[0]);
        Assert.Contains("from=<>", grep[0]); // the null sender stays visible
        Assert.Matches(@"session_id=[0-9a-f]+ ", grep[0]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info SmtpConnectionActor: event=accepted ", grep[0]);
    }

    [Fact]
    public async Task A_refused_recipient_logs_the_policy_verdict_with_its_rule()
    {
        var (node, sink, log) = await StartAsync("text");
        await using var nodeScope = node;
        await using var sinkScope = sink;

        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@origin.test>\r\n"));
        Assert.StartsWith("554", await client.CommandAsync("RCPT TO:<x@elsewhere.example>\r\n"));
        var line = await log.WaitForLineAsync(Wait, "event=policy", "to=<x@elsewhere.example>");
        Assert.Contains("verdict=reject", line);
        Assert.Contains("rule=reject-unauth-destination", line);
        Assert.Contains("reply=\"554 5.7.1", line);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
