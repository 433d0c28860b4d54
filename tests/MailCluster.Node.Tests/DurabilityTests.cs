using System.Collections.Concurrent;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MailCluster.Node.Tests;

/// <summary>A 250 means stored: every acknowledged message must survive SIGKILL and be there after a restart.</summary>
public sealed class DurabilityTests
{
    private const string Sender = "a@example.org";
    private const string Helo = "client.test";

    private static byte[] MessageBytes(string tag, int n) => Encoding.ASCII.GetBytes(
        $"From: <{Sender}>\r\n" +
        $"To: <user@localhost>\r\n" +
        $"Subject: durability {tag} {n}\r\n" +
        $"Message-ID: <{tag}.{n}.{Guid.NewGuid():N}@example.org>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=us-ascii\r\n" +
        "Content-Transfer-Encoding: 7bit\r\n" +
        "\r\n" +
        $"Message {n} from {tag}.\r\n" +
        ".a line that starts with a dot\r\n" +
        "..and one with two\r\n" +
        "\r\n" +
        string.Concat(Enumerable.Range(0, n % 7 + 1).Select(i => $"filler {n}/{i} {new string((char)('a' + i), 60)}\r\n")) +
        "-- \r\nend\r\n");

    private static string[] RecipientsFor(int n) => n % 3 == 0 ? ["user@localhost", "other@localhost"] : ["user@localhost"];

    private static async Task<SmtpClient> ConnectMailKitAsync(int port)
    {
        var client = new SmtpClient { LocalDomain = Helo, Timeout = 15_000 };
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        return client;
    }

    private static async Task<SentMessage> SendWithMailKitAsync(SmtpClient client, string tag, int n)
    {
        var bytes = MessageBytes(tag, n);
        var message = MimeMessage.Load(new MemoryStream(bytes));
        var recipients = RecipientsFor(n);
        var reply = await client.SendAsync(FormatOptions.Default, message, MailboxAddress.Parse(Sender),
            recipients.Select(MailboxAddress.Parse));
        return new SentMessage(SpoolAssert.QueueIdFrom(reply), Sender, recipients, bytes);
    }

    /// <summary>Restarts on the same data dir, checks the store, and checks the restarted node still takes mail.</summary>
    private static async Task RestartAndAssertAsync(TempDir dir, IReadOnlyCollection<SentMessage> sent)
    {
        using var restarted = await NodeProcess.StartAsync(dir.Config(), dir.Path);
        await SpoolAssert.AllStoredAsync(dir.DatabasePath, sent, Helo);

        using var client = await ConnectMailKitAsync(restarted.Port);
        var after = await SendWithMailKitAsync(client, "after-restart", 1);
        await SpoolAssert.AllStoredAsync(dir.DatabasePath, [after], Helo);
    }

    [Fact]
    public async Task Messages_acknowledged_over_one_session_survive_sigkill()
    {
        using var dir = new TempDir();
        var sent = new List<SentMessage>();
        using (var node = await NodeProcess.StartAsync(dir.Config(), dir.Path))
        using (var client = await ConnectMailKitAsync(node.Port))
        {
            for (var n = 1; n <= 50; n++)
            {
                sent.Add(await SendWithMailKitAsync(client, "sequential", n));
                if (n == 50) node.Kill(); // right after the last 250: no QUIT, no graceful stop
            }
            await node.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(50, sent.Select(s => s.QueueId).Distinct().Count());
        await RestartAndAssertAsync(dir, sent);
    }

    [Fact]
    public async Task Exact_octets_over_raw_smtp_survive_sigkill()
    {
        using var dir = new TempDir();
        var sent = new List<SentMessage>();
        using (var node = await NodeProcess.StartAsync(dir.Config(), dir.Path))
        using (var smtp = await RawSmtpClient.ConnectAsync(node.Port))
        {
            Assert.StartsWith("250", await smtp.CommandAsync($"EHLO {Helo}"));
            for (var n = 1; n <= 20; n++)
            {
                var recipients = RecipientsFor(n);
                Assert.StartsWith("250", await smtp.CommandAsync($"MAIL FROM:<{Sender}>"));
                foreach (var r in recipients) Assert.StartsWith("250", await smtp.CommandAsync($"RCPT TO:<{r}>"));
                // Headerless bodies, lines of dots, a lone dot inside a line, trailing blanks: all must come back as sent.
                var body = n % 2 == 0
                    ? MessageBytes("raw", n)
                    : Encoding.ASCII.GetBytes($"no headers at all {n}\r\n.\r\n..\r\n. \r\nx.\r\n.\r\ntrailing  \r\n\r\n");
                var reply = await smtp.DataAsync(body);
                sent.Add(new SentMessage(SpoolAssert.QueueIdFrom(reply), Sender, recipients, body));
            }
            node.Kill();
            await node.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        await RestartAndAssertAsync(dir, sent);
    }

    [Fact]
    public async Task Messages_acknowledged_to_concurrent_senders_survive_sigkill_mid_stream()
    {
        const int clients = 5, killAfter = 60;
        using var dir = new TempDir();
        var sent = new ConcurrentQueue<SentMessage>();
        using (var node = await NodeProcess.StartAsync(dir.Config(), dir.Path))
        {
            var acknowledged = 0;
            var killed = new TaskCompletionSource();
            async Task SenderLoop(int c)
            {
                using var client = await ConnectMailKitAsync(node.Port);
                for (var n = 1; !killed.Task.IsCompleted; n++)
                {
                    SentMessage message;
                    try { message = await SendWithMailKitAsync(client, $"sender{c}", n); }
                    catch (Exception) when (killed.Task.IsCompleted) { return; } // the node is gone: no 250, no promise
                    sent.Enqueue(message);
                    if (Interlocked.Increment(ref acknowledged) == killAfter)
                    {
                        killed.TrySetResult(); // first, so the senders' failures from here on are expected
                        node.Kill(); // the other senders are mid-transaction right now
                    }
                }
            }
            await Task.WhenAll(Enumerable.Range(1, clients).Select(c => Task.Run(() => SenderLoop(c))))
                .WaitAsync(TimeSpan.FromSeconds(60));
            await node.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.True(sent.Count >= killAfter);
        await RestartAndAssertAsync(dir, sent.ToList());
    }
}
