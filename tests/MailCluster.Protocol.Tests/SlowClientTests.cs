using System.Diagnostics;

namespace MailCluster.Protocol.Tests;

/// <summary>
/// Slowloris defences over raw TCP: the per-command-line deadline, the minimum data rate of DATA and BDAT, and the
/// shorter idle timeout while a listener is nearly full. Each node is configured with small values for the case.
/// </summary>
public sealed class SlowClientTests
{
    /// <summary>Sends <paramref name="text"/> an octet at a time until cancelled or done; the server may hang up meanwhile.</summary>
    private static Task DribbleAsync(RawSmtpClient client, string text, TimeSpan gap, CancellationToken stop) => Task.Run(async () =>
    {
        try
        {
            foreach (var c in text)
            {
                await client.SendAsync(c.ToString());
                await Task.Delay(gap, stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException) { }
    });

    private static async Task<RawSmtpClient> OpenTransactionAsync(TestNode node)
    {
        var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        Assert.StartsWith("250", await client.CommandAsync("EHLO slow.example\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.org>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<user@localhost>\r\n"));
        return client;
    }

    [Fact]
    public async Task A_command_line_dribbled_an_octet_at_a_time_gets_421_after_the_line_deadline()
    {
        // The idle timeout is long; only the deadline for the whole line can end this.
        await using var node = await TestNode.StartAsync("mailcluster.smtp.timeouts { command = 1m, command-line-deadline = 1s }");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var dribble = DribbleAsync(client, "EHLO dribbling.client.example\r\n", TimeSpan.FromMilliseconds(200), stop.Token);

        var reply = await client.ReadReplyAsync(TimeSpan.FromSeconds(5));
        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await dribble;

        Assert.StartsWith("421 4.4.2", reply);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(4));
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_complete_line_is_not_held_to_the_deadline_of_the_next_one()
    {
        // Each line arrives within the deadline; together they take longer than it. Idle time between lines is not counted.
        await using var node = await TestNode.StartAsync("mailcluster.smtp.timeouts { command = 1m, command-line-deadline = 1s }");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        for (var i = 0; i < 3; i++)
        {
            await client.SendAsync("NO");
            await Task.Delay(500);
            Assert.StartsWith("250", await client.CommandAsync("OP\r\n"));
            await Task.Delay(700);
        }
    }

    [Fact]
    public async Task Data_below_the_minimum_rate_gets_421_and_nothing_is_stored()
    {
        await using var node = await TestNode.StartAsync("mailcluster.smtp.limits { min-data-rate = 1000, min-data-rate-grace = 1s }");
        await using var client = await OpenTransactionAsync(node);
        Assert.StartsWith("354", await client.CommandAsync("DATA\r\n"));
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        // Ten octets a second, a line at a time: far below 1000 octets/s, yet never idle for the 3-minute data timeout.
        var dribble = DribbleAsync(client, "Subject: slow\r\n\r\n" + new string('x', 200) + "\r\n.\r\n", TimeSpan.FromMilliseconds(100), stop.Token);

        var reply = await client.ReadReplyAsync(TimeSpan.FromSeconds(6));
        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await dribble;

        Assert.StartsWith("421 4.4.2", reply);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(await node.StoredMessagesAsync());
    }

    [Fact]
    public async Task Data_that_keeps_up_the_minimum_rate_for_longer_than_the_grace_is_accepted()
    {
        // A 2 s grace: on a loaded 2-core CI box the node itself can stall for about a second (CI failed once with 1 s),
        // and the test is about a client that keeps up, not about the node's own pauses.
        await using var node = await TestNode.StartAsync("mailcluster.smtp.limits { min-data-rate = 1000, min-data-rate-grace = 2s }");
        await using var client = await OpenTransactionAsync(node);
        Assert.StartsWith("354", await client.CommandAsync("DATA\r\n"));
        await client.SendAsync("Subject: steady\r\n\r\n");
        // 5,000 octets every 50 ms: about 100,000 octets/s, so a loaded machine that stretches the delays tenfold still
        // sends far above the 1000 octets/s minimum for well over the 2 s grace.
        var lines = string.Concat(Enumerable.Repeat(new string('y', 998) + "\r\n", 5));
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(4.5))
        {
            await client.SendAsync(lines);
            await Task.Delay(50);
        }
        Assert.StartsWith("250 2.0.0 Ok: queued as", await client.CommandAsync(".\r\n"));
    }

    [Fact]
    public async Task Bdat_below_the_minimum_rate_across_chunks_gets_421()
    {
        // Small chunks, each on time by itself: the rate is held over the whole message, not per chunk.
        await using var node = await TestNode.StartAsync("mailcluster.smtp.limits { min-data-rate = 1000, min-data-rate-grace = 1s }");
        await using var client = await OpenTransactionAsync(node);
        var clock = Stopwatch.StartNew();
        string reply;
        do
        {
            await Task.Delay(200);
            reply = await client.CommandAsync("BDAT 2\r\n\r\n"); // two octets every 200 ms
        } while (reply.StartsWith("250") && clock.Elapsed < TimeSpan.FromSeconds(6));

        Assert.StartsWith("421 4.4.2", reply);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
        Assert.Empty(await node.StoredMessagesAsync());
    }

    [Fact]
    public async Task Under_stress_an_idle_session_is_closed_after_the_stress_timeout()
    {
        // Stress from 2 of 4 sessions on: the first session opens unstressed, the second is already under stress.
        await using var node = await TestNode.StartAsync("""
            mailcluster.smtp.limits { max-connections = 4, stress-threshold = 0.5 }
            mailcluster.smtp.timeouts { command = 1m, command-under-stress = 500ms }
            """);
        await using var first = await RawSmtpClient.ConnectAsync(node.Endpoint);
        var clock = Stopwatch.StartNew();
        await using var second = await RawSmtpClient.ConnectAsync(node.Endpoint);

        Assert.StartsWith("421 4.4.2", await second.ReadReplyAsync(TimeSpan.FromSeconds(5)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(4));
        Assert.True(await second.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        // The first session started waiting before the stress and keeps the normal timeout.
        Assert.StartsWith("250", await first.CommandAsync("NOOP\r\n"));
    }
}
