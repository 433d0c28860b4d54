using System.Text;
using MailCluster.TestSupport;
using MimeKit;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Delivery;

/// <summary>Permanent failures and expiry produce one RFC 3464 DSN to the sender; never for the null sender.</summary>
public sealed class BounceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(25);

    /// <summary>relay.test refuses some recipients; origin.test (the senders' domain) is where bounces arrive.</summary>
    private static string Routes(SmtpSink remote, SmtpSink senders, string extra = "") => Config($$"""
        mailcluster.relay-domains = ["relay.test", "relay2.test", "origin.test"]
        mailcluster.routing.transports {
          "relay.test" = "{{SinkRoute(remote)}}"
          "origin.test" = "{{SinkRoute(senders)}}"
        }
        {{extra}}
        """);

    private static MimeMessage Parse(SinkMessage m) => MimeMessage.Load(new MemoryStream(m.Content));

    private static string DeliveryStatus(MimeMessage dsn)
    {
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        Assert.Equal("delivery-status", report.ReportType);
        var status = report.OfType<MimePart>().First(p => p.ContentType.MimeType is "message/delivery-status" or "message/global-delivery-status");
        using var text = new MemoryStream();
        status.Content!.DecodeTo(text);
        return Encoding.UTF8.GetString(text.ToArray());
    }

    [Fact]
    public async Task A_permanent_failure_bounces_to_the_sender_with_the_remote_reply()
    {
        await using var remote = SmtpSink.Start(new SmtpSinkOptions
        {
            RcptReply = (_, rcpt) => rcpt.StartsWith("nobody@") ? "550 5.1.1 <nobody@relay.test>: Recipient address rejected: User unknown" : null,
        });
        await using var senders = SmtpSink.Start();
        await using var node = await TestNode.StartAsync(Routes(remote, senders));

        await SendAsync(node, "sender@origin.test", ["nobody@relay.test", "someone@relay.test"], Body("bounce me"));

        var delivered = Assert.Single(await remote.WaitForMessagesAsync(1, Wait));
        Assert.Equal(["someone@relay.test"], delivered.Recipients);
        var bounce = Assert.Single(await senders.WaitForMessagesAsync(1, Wait));
        Assert.Equal("", bounce.MailFrom);
        Assert.Equal(["sender@origin.test"], bounce.Recipients);
        var status = DeliveryStatus(Parse(bounce));
        Assert.Contains("Final-Recipient: rfc822; nobody@relay.test", status);
        Assert.Contains("Action: failed", status);
        Assert.Contains("Status: 5.1.1", status);
        Assert.Contains("User unknown", status);
        Assert.DoesNotContain("someone@relay.test", status);
        Assert.Contains("Subject: bounce me", Encoding.UTF8.GetString(bounce.Content));
        await WaitForEmptySpoolAsync(node, Wait);
    }

    [Fact]
    public async Task Recipients_that_keep_failing_temporarily_expire_and_bounce()
    {
        await using var remote = SmtpSink.Start(new SmtpSinkOptions { DataEndReply = _ => "451 4.3.0 Mailbox busy" });
        await using var senders = SmtpSink.Start();
        await using var node = await TestNode.StartAsync(Routes(remote, senders,
            $"mailcluster.queue.destinations {{ \"{SinkRoute(remote)}\" {{ retry.maximum-lifetime = 3s }} }}"));

        await SendAsync(node, "sender@origin.test", ["late@relay.test"], Body("expire me"));

        var bounce = Assert.Single(await senders.WaitForMessagesAsync(1, Wait));
        var status = DeliveryStatus(Parse(bounce));
        Assert.Contains("Final-Recipient: rfc822; late@relay.test", status);
        Assert.Contains("Action: failed", status);
        Assert.Contains("Status: 4.4.7", status);
        Assert.Contains("Mailbox busy", status);
        Assert.True(remote.DataEndCount >= 2, $"retried before expiring ({remote.DataEndCount} attempts)");
        await WaitForEmptySpoolAsync(node, Wait);
    }

    [Fact]
    public async Task A_long_deferral_sends_one_delay_warning_and_keeps_retrying()
    {
        await using var remote = SmtpSink.Start(new SmtpSinkOptions { DataEndReply = _ => "451 4.3.0 Mailbox busy" });
        await using var senders = SmtpSink.Start();
        await using var node = await TestNode.StartAsync(Routes(remote, senders,
            $"mailcluster.queue.destinations {{ \"{SinkRoute(remote)}\" {{ retry.delay-warning-after = 1s }} }}"));

        await SendAsync(node, "sender@origin.test", ["slow@relay.test"], Body("delay me"));

        var warning = Assert.Single(await senders.WaitForMessagesAsync(1, Wait));
        var status = DeliveryStatus(Parse(warning));
        Assert.Contains("Action: delayed", status);
        Assert.Contains("Final-Recipient: rfc822; slow@relay.test", status);
        var attempts = remote.DataEndCount;
        await WaitUntilAsync(() => Task.FromResult(remote.DataEndCount > attempts), Wait, "another retry after the warning");
        Assert.Equal(1, senders.MessageCount);
        Assert.Single(await node.Spool.ListQueueIdsAsync());
    }

    [Fact]
    public async Task A_failed_message_from_the_null_sender_is_dropped_without_a_bounce_when_double_bounces_are_off()
    {
        await using var remote = SmtpSink.Start(new SmtpSinkOptions { RcptReply = (_, _) => "550 5.1.1 User unknown" });
        await using var senders = SmtpSink.Start();
        await using var node = await TestNode.StartAsync(Routes(remote, senders, "mailcluster.queue.double-bounce-recipient = \"\""));

        await SendAsync(node, "", ["nobody@relay.test"], Body("a bounce that fails"));

        await WaitUntilAsync(() => Task.FromResult(remote.Commands.Any(c => c.Line.StartsWith("RCPT", StringComparison.OrdinalIgnoreCase))),
            Wait, "the remote saw the recipient");
        await WaitForEmptySpoolAsync(node, Wait);
        await Task.Delay(1500);
        Assert.Equal(0, senders.MessageCount);
        Assert.Equal(0, senders.ConnectionCount);
    }

    [Fact]
    public async Task One_message_split_across_hops_gets_each_outcome_and_one_bounce_per_failing_hop()
    {
        await using var remote = SmtpSink.Start();
        await using var refusing = SmtpSink.Start(new SmtpSinkOptions { RcptReply = (_, _) => "554 5.7.1 Not here" });
        await using var senders = SmtpSink.Start();
        await using var node = await TestNode.StartAsync(Routes(remote, senders,
            $$"""mailcluster.routing.transports { "relay2.test" = "{{SinkRoute(refusing)}}" }"""));

        await SendAsync(node, "sender@origin.test", ["a@relay.test", "b@relay2.test", "c@relay2.test", "alice@local.test"], Body("mixed"));

        Assert.Equal(["a@relay.test"], Assert.Single(await remote.WaitForMessagesAsync(1, Wait)).Recipients);
        var bounce = Assert.Single(await senders.WaitForMessagesAsync(1, Wait));
        var status = DeliveryStatus(Parse(bounce));
        Assert.Contains("b@relay2.test", status);
        Assert.Contains("c@relay2.test", status);
        Assert.DoesNotContain("a@relay.test", status);
        await WaitUntilAsync(() => Task.FromResult(Directory.Exists(Path.Combine(node.DataDir, "maildir", "local.test", "alice", "Maildir", "new"))
                                                   && Directory.GetFiles(Path.Combine(node.DataDir, "maildir", "local.test", "alice", "Maildir", "new")).Length == 1),
            Wait, "alice has her copy");
        await WaitForEmptySpoolAsync(node, Wait);
        await Task.Delay(500);
        Assert.Equal(1, senders.MessageCount);
    }
}
