using System.Text;
using MailCluster.TestSupport;

namespace MailCluster.Protocol.Tests.Delivery;

/// <summary>Helpers for tests that let the node deliver: to sink SMTP servers, and to its own Maildir store.</summary>
internal static class DeliveryHarness
{
    /// <summary>Delivery on, fast retries, loopback-only DNS; callers add routes.</summary>
    public static string Config(string extra = "", string dnsServer = "127.0.0.1:9") => $$"""
        mailcluster {
          queue.defer-transports = []
          queue.retry { minimum-backoff = 1s, maximum-backoff = 2s }
          delivery.smtp.tls = disabled
          delivery.dns { servers = ["{{dnsServer}}"], timeout = 1s, attempts = 1 }
          relay-domains = ["relay.test", "relay2.test"]
        }
        {{extra}}
        """;

    public static byte[] Body(string subject, string text = "Hello.\r\n") =>
        Encoding.UTF8.GetBytes($"From: sender@origin.test\r\nTo: someone\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@origin.test>\r\n\r\n{text}");

    /// <summary>Sends one message over a raw session (so the body bytes are exactly ours) and returns the 250 reply.</summary>
    public static async Task<string> SendAsync(TestNode node, string sender, IEnumerable<string> recipients, byte[] body)
    {
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example\r\n"));
        Assert.StartsWith("250", await client.CommandAsync($"MAIL FROM:<{sender}>\r\n"));
        foreach (var r in recipients) Assert.StartsWith("250", await client.CommandAsync($"RCPT TO:<{r}>\r\n"));
        Assert.StartsWith("354", await client.CommandAsync("DATA\r\n"));
        var text = Encoding.UTF8.GetString(body);
        var stuffed = (text.StartsWith('.') ? "." : "") + text.Replace("\r\n.", "\r\n..");
        var reply = await client.CommandAsync(stuffed + ".\r\n");
        Assert.StartsWith("250 2.0.0", reply);
        await client.CommandAsync("QUIT\r\n");
        return reply;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>The spool is empty once every recipient reached a final state (delivered or bounced and the bounce delivered).</summary>
    public static Task WaitForEmptySpoolAsync(TestNode node, TimeSpan timeout) =>
        WaitUntilAsync(async () => (await node.Spool.ListQueueIdsAsync()).Count == 0, timeout, "the spool is empty");

    /// <summary>
    /// The message as the sink got it, minus what we add: our Received: header and, on mail from a client that is not
    /// ours, our Authentication-Results: above it.
    /// </summary>
    public static byte[] WithoutTraceHeader(byte[] content)
    {
        var text = Encoding.UTF8.GetString(content);
        var end = text.StartsWith("Authentication-Results: mx.test;", StringComparison.Ordinal) ? EndOfField(text, 0) : 0;
        Assert.StartsWith("Received: from ", text[end..]);
        return content[EndOfField(text, end)..];
    }

    private static int EndOfField(string text, int start)
    {
        var end = start;
        do end = text.IndexOf("\r\n", end, StringComparison.Ordinal) + 2;
        while (text[end] is ' ' or '\t');
        return end;
    }

    public static string SinkRoute(SmtpSink sink) => $"smtp:[127.0.0.1]:{sink.Port}";
}
