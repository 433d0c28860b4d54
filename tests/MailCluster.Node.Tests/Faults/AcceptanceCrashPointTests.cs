using System.Text;
using MailCluster.Cluster.Hosting;
using MailCluster.TestSupport;

namespace MailCluster.Node.Tests.Faults;

/// <summary>
/// Acceptance is one spool commit, then the queue notices, then the 250. The node is killed (SIGKILL, from a fault
/// point inside the process) between each pair of steps; after a restart, a message that was committed is delivered
/// exactly once, and one that was not is never delivered (the client was not told 250 and still holds it).
/// </summary>
public sealed class AcceptanceCrashPointTests
{
    [Theory]
    [InlineData(FaultPoints.BeforeSpoolCommit, false)]
    [InlineData(FaultPoints.AfterSpoolCommit, true)]
    [InlineData(FaultPoints.AfterQueueNotice, true)]
    [InlineData(FaultPoints.AfterReply, true)]
    public async Task A_kill_at_each_step_of_acceptance_loses_nothing_committed_and_delivers_it_once(string faultPoint, bool committed)
    {
        using var dir = new TempDir();
        await using var sink = SmtpSink.Start();
        var config = dir.Config($$"""
            mailcluster {
              queue.defer-transports = []
              queue.retry { minimum-backoff = 1s, maximum-backoff = 1s }
              relay-domains = ["relay.test"]
              routing.transports { "relay.test" = "smtp:[127.0.0.1]:{{sink.Port}}" }
              delivery.smtp.tls = disabled
              delivery.dns.servers = ["127.0.0.1:9"]
            }
            """);
        var messageId = $"<crash-{Guid.NewGuid():N}@client.example>";
        using (var node = await NodeProcess.StartAsync(config, dir.Path, $"export MAILCLUSTER_FAULT_POINT={faultPoint}"))
        {
            using var client = await RawSmtpClient.ConnectAsync(node.Port);
            await client.CommandAsync("EHLO client.example");
            Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<sender@client.example>"));
            Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<user@relay.test>"));
            var reply = await ReplyOrHangUpAsync(() => client.DataAsync(Encoding.ASCII.GetBytes($"Message-ID: {messageId}\r\nSubject: crash\r\n\r\nbody\r\n")));
            // Only the last fault point lets the 250 out before the kill.
            if (faultPoint == FaultPoints.AfterReply) Assert.StartsWith("250 2.0.0", reply);
            else Assert.DoesNotContain("250", reply);
            Assert.NotEqual(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(15)));
            Assert.Contains($"fault point {faultPoint} reached", node.StdErr);
        }
        Assert.Equal(0, sink.MessageCount);

        using var restarted = await NodeProcess.StartAsync(config, dir.Path);
        if (committed)
        {
            var got = await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60));
            Assert.Contains(messageId, Encoding.ASCII.GetString(got[0].Content));
        }
        await Task.Delay(3000); // a second delivery, or one of a message never committed, would show up by now
        Assert.Equal(committed ? 1 : 0, sink.MessageCount);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await SpoolAssert.QueueIdsAsync(dir.DatabasePath)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the delivered message is still in the spool");
            await Task.Delay(200);
        }
    }

    private static async Task<string> ReplyOrHangUpAsync(Func<Task<string>> send)
    {
        try
        {
            return await send();
        }
        catch (IOException ex)
        {
            return $"(connection lost: {ex.Message})";
        }
    }
}
