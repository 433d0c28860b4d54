using System.Diagnostics;

namespace MailCluster.Protocol.Tests;

/// <summary>Limits, timeouts, the error tarpit and hostile input, each with a node configured for the case.</summary>
public sealed class LimitTests
{
    [Fact]
    public async Task Recipients_over_the_limit_get_452_and_the_accepted_ones_are_kept()
    {
        await using var node = await TestNode.StartAsync("mailcluster.smtp.limits.max-recipients = 2");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO limit.example\r\n");
        await client.CommandAsync("MAIL FROM:<a@example.org>\r\n");
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<r1@localhost>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<r2@localhost>\r\n"));
        Assert.StartsWith("452 4.5.3", await client.CommandAsync("RCPT TO:<r3@localhost>\r\n"));
        await client.CommandAsync("DATA\r\n");
        var reply = await client.CommandAsync("Subject: x\r\n\r\nbody\r\n.\r\n");

        var stored = await node.Spool.LoadAsync(reply.Split("queued as ")[1]);
        Assert.Equal(["r1@localhost", "r2@localhost"], stored!.Recipients);
    }

    [Fact]
    public async Task Recipients_over_the_limit_do_not_count_as_errors_and_the_transaction_is_delivered()
    {
        // The defaults: 100 recipients, 421 at the 20th error. 121 RCPTs used to end in 421 and lose the 100 accepted.
        await using var node = await TestNode.StartAsync();
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO many.example\r\n");
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.org>\r\n"));
        await client.SendAsync(string.Concat(Enumerable.Range(1, 121).Select(i => $"RCPT TO:<r{i}@localhost>\r\n")));
        var replies = await client.ReadRepliesAsync(121);
        Assert.All(replies.Take(100), r => Assert.StartsWith("250 2.1.5", r));
        Assert.All(replies.Skip(100), r => Assert.StartsWith("452 4.5.3", r));

        Assert.StartsWith("354", await client.CommandAsync("DATA\r\n"));
        var reply = await client.CommandAsync("Subject: many\r\n\r\nbody\r\n.\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as", reply);
        var stored = await node.Spool.LoadAsync(reply.Split("queued as ")[1]);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => $"r{i}@localhost"), stored!.Recipients);
        Assert.StartsWith("250", await client.CommandAsync("NOOP\r\n"));
    }

    [Fact]
    public async Task Message_over_the_size_limit_is_refused_with_552_after_the_data()
    {
        await using var node = await TestNode.StartAsync("mailcluster.smtp.limits.max-message-size = 2 KiB");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        Assert.Contains("SIZE 2048", await client.CommandAsync("EHLO size.example\r\n"));
        Assert.StartsWith("552 5.3.4", await client.CommandAsync("MAIL FROM:<a@example.org> SIZE=4096\r\n"));
        await client.CommandAsync("MAIL FROM:<a@example.org> SIZE=1000\r\n");
        await client.CommandAsync("RCPT TO:<user@localhost>\r\n");
        await client.CommandAsync("DATA\r\n");
        var body = string.Concat(Enumerable.Repeat(new string('z', 70) + "\r\n", 60));
        Assert.StartsWith("552 5.3.4", await client.CommandAsync("Subject: big\r\n\r\n" + body + ".\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("NOOP\r\n"));
        Assert.Empty(await node.StoredMessagesAsync());
    }

    [Fact]
    public async Task An_idle_session_times_out_with_421()
    {
        await using var node = await TestNode.StartAsync("mailcluster.smtp.timeouts.command = 500ms");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        Assert.StartsWith("421 4.4.2", await client.ReadReplyAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Errors_are_tarpitted_after_the_soft_limit_and_disconnected_at_the_hard_limit()
    {
        await using var node = await TestNode.StartAsync("""
            mailcluster.smtp.limits { soft-error-limit = 2, hard-error-limit = 5, error-delay = 300ms }
            """);
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        var fast = Stopwatch.StartNew();
        Assert.StartsWith("500", await client.CommandAsync("BOGUS1\r\n"));
        Assert.StartsWith("500", await client.CommandAsync("BOGUS2\r\n"));
        Assert.True(fast.Elapsed < TimeSpan.FromMilliseconds(300), $"no delay expected before the soft limit, took {fast.Elapsed}");

        var slow = Stopwatch.StartNew();
        Assert.StartsWith("500", await client.CommandAsync("BOGUS3\r\n"));
        Assert.True(slow.Elapsed >= TimeSpan.FromMilliseconds(250), $"expected a tarpit delay, took {slow.Elapsed}");
        Assert.StartsWith("500", await client.CommandAsync("BOGUS4\r\n"));

        await client.SendAsync("BOGUS5\r\n");
        Assert.StartsWith("500", await client.ReadReplyAsync());
        Assert.StartsWith("421 4.7.0", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Connections_over_the_listener_limit_get_421()
    {
        await using var node = await TestNode.StartAsync("mailcluster.smtp.limits.max-connections = 2");
        await using var first = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await using var second = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await using var third = await RawSmtpClient.ConnectAsync(node.Endpoint, readGreeting: false);
        Assert.StartsWith("421 4.7.0", await third.ReadReplyAsync());
        Assert.StartsWith("250", await first.CommandAsync("NOOP\r\n"));
    }

    [Fact]
    public async Task Garbage_nul_bytes_and_megabytes_without_newline_do_not_hurt_other_sessions()
    {
        await using var node = await TestNode.StartAsync("mailcluster.smtp.limits.hard-error-limit = 1000");
        await using var flooder = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await flooder.SendAsync([0, 0, 0, 0xff, 0xfe, (byte)'\r', (byte)'\n']);
        Assert.StartsWith("5", await flooder.ReadReplyAsync());
        var flood = Task.Run(async () =>
        {
            var megabyte = new byte[1024 * 1024];
            Array.Fill(megabyte, (byte)'A');
            for (var i = 0; i < 8; i++) await flooder.SendAsync(megabyte);
            await flooder.SendAsync("\r\n");
            return await flooder.ReadReplyAsync(TimeSpan.FromSeconds(30));
        });

        await using var honest = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await honest.CommandAsync("EHLO honest.example\r\n");
        await honest.CommandAsync("MAIL FROM:<a@example.org>\r\n");
        await honest.CommandAsync("RCPT TO:<user@localhost>\r\n");
        await honest.CommandAsync("DATA\r\n");
        Assert.StartsWith("250 2.0.0", await honest.CommandAsync("Subject: ok\r\n\r\nfine\r\n.\r\n"));

        Assert.StartsWith("500 5.5.6", await flood);
        Assert.StartsWith("250", await flooder.CommandAsync("NOOP\r\n"));
    }
}
