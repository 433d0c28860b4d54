using System.Text;
using MailCluster.Core.Bounce;
using MailCluster.TestSupport;
using MimeKit;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Delivery;

/// <summary>
/// Issue 12: a bounce that could not be delivered was dropped with only a dsn_skipped line. Like Postfix's
/// 2bounce_notice_recipient, the postmaster now gets one notice; a notice that fails in turn is dropped, never looped.
/// </summary>
public sealed class DoubleBounceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(25);

    /// <summary>relay.test refuses everyone; so does dead.test, the sender's domain; pm.test is the postmaster's.</summary>
    private static string Routes(SmtpSink remote, SmtpSink senders, SmtpSink postmaster) => Config($$"""
        mailcluster.relay-domains = ["relay.test", "dead.test", "pm.test"]
        mailcluster.routing.transports {
          "relay.test" = "{{SinkRoute(remote)}}"
          "dead.test" = "{{SinkRoute(senders)}}"
          "pm.test" = "{{SinkRoute(postmaster)}}"
        }
        mailcluster.queue.double-bounce-recipient = "postmaster@pm.test"
        """);

    private static SmtpSink Refusing() => SmtpSink.Start(new SmtpSinkOptions { RcptReply = (_, _) => "550 5.1.1 User unknown" });

    private static int Rcpts(SmtpSink sink) => sink.Commands.Count(c => c.Line.StartsWith("RCPT", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task A_bounce_that_cannot_be_delivered_is_reported_to_the_postmaster_once()
    {
        await using var remote = Refusing();
        await using var senders = Refusing();
        await using var postmaster = SmtpSink.Start();
        await using var node = await TestNode.StartAsync(Routes(remote, senders, postmaster));

        await SendAsync(node, "sender@dead.test", ["nobody@relay.test"], Body("fails twice"));

        var notice = Assert.Single(await postmaster.WaitForMessagesAsync(1, Wait));
        Assert.Equal("", notice.MailFrom);
        Assert.Equal(["postmaster@pm.test"], notice.Recipients);
        var dsn = MimeMessage.Load(new MemoryStream(notice.Content));
        Assert.Equal(DsnBuilder.DoubleBounceSubject, dsn.Subject);
        var text = Encoding.UTF8.GetString(notice.Content);
        Assert.Contains("Final-Recipient: rfc822; sender@dead.test", text); // the bounce's recipient is what failed
        Assert.Contains("Subject: " + DsnBuilder.FailedSubject, text);       // the failed bounce's headers are attached
        Assert.Equal(1, Rcpts(senders));                                      // the bounce was tried, and refused
        await WaitForEmptySpoolAsync(node, Wait);
        await Task.Delay(1500);
        Assert.Equal(1, postmaster.MessageCount);
    }

    [Fact]
    public async Task A_double_bounce_notice_that_fails_is_dropped_and_never_reported_again()
    {
        await using var remote = Refusing();
        await using var senders = Refusing();
        await using var postmaster = Refusing();
        await using var node = await TestNode.StartAsync(Routes(remote, senders, postmaster));

        await SendAsync(node, "sender@dead.test", ["nobody@relay.test"], Body("fails three times"));

        await WaitUntilAsync(() => Task.FromResult(Rcpts(postmaster) >= 1), Wait, "the postmaster's server saw the notice");
        await WaitForEmptySpoolAsync(node, Wait);
        await Task.Delay(2000);
        Assert.Equal((1, 1, 1), (Rcpts(remote), Rcpts(senders), Rcpts(postmaster)));
        Assert.Equal(0, remote.MessageCount + senders.MessageCount + postmaster.MessageCount);
    }
}
