using System.Text;
using MailCluster.TestSupport;

namespace MailCluster.Node.Tests;

/// <summary>Queued mail survives kill -9 of the node: after a restart every message reaches its next hop exactly once.</summary>
public sealed class DeliveryRestartTests
{
    [Fact]
    public async Task Mail_queued_for_a_down_relay_is_delivered_exactly_once_after_sigkill_and_restart()
    {
        using var dir = new TempDir();
        await using var sink = SmtpSink.Start();
        await sink.StopListeningAsync(); // the relay host is down while the mail is accepted
        var config = dir.Config($$"""
            mailcluster {
              queue.defer-transports = []
              queue.retry { minimum-backoff = 1s, maximum-backoff = 1s }
              queue.snapshot-every = 7   # recovery then starts from a snapshot plus the events after it
              relay-domains = ["relay.test"]
              routing.transports { "relay.test" = "smtp:[127.0.0.1]:{{sink.Port}}" }
              delivery.smtp.tls = disabled
              delivery.dns.servers = ["127.0.0.1:9"]
            }
            """);
        const int count = 20;
        var ids = new List<string>();
        using (var node = await NodeProcess.StartAsync(config, dir.Path))
        {
            using var client = await RawSmtpClient.ConnectAsync(node.Port);
            await client.CommandAsync("EHLO client.example");
            for (var i = 0; i < count; i++)
            {
                var id = $"<restart-{i}-{Guid.NewGuid():N}@client.example>";
                Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<sender@client.example>"));
                Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<user@relay.test>"));
                Assert.StartsWith("250 2.0.0", await client.DataAsync(Encoding.ASCII.GetBytes($"Message-ID: {id}\r\nSubject: {i}\r\n\r\nbody {i}\r\n")));
                ids.Add(id);
            }
            await Task.Delay(1500); // let the queue try (and fail) at least once, so deferrals are journaled too
            node.Kill();
            await node.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(0, sink.MessageCount);

        sink.StartListening();
        using var restarted = await NodeProcess.StartAsync(config, dir.Path);
        var got = await sink.WaitForMessagesAsync(count, TimeSpan.FromSeconds(60));
        await Task.Delay(2000); // anything delivered twice would show up by now
        var received = sink.Messages.Select(m => MessageId(m.Content)).ToList();
        Assert.Equal(ids.Order(), received.Order());
    }

    private static string MessageId(byte[] content) =>
        Encoding.ASCII.GetString(content).Split("\r\n").First(l => l.StartsWith("Message-ID: "))["Message-ID: ".Length..];
}
