using Microsoft.Data.Sqlite;

namespace MailCluster.Protocol.Tests;

/// <summary>
/// Back-pressure with a store that has stopped keeping up (a real SQLite write lock held by another connection): once
/// storage.max-pending-writes bodies wait for their write, new mail is turned away with 4xx before its body is read,
/// the waiting writes still complete with 250 when the store recovers, and nothing is acknowledged that was not stored.
/// </summary>
public sealed class BackPressureTests
{
    private const string Config = """
        mailcluster.storage.sqlite.busy-timeout = 30s
        mailcluster.storage.write-timeout = 30s
        mailcluster.storage.max-pending-writes = 2
        """;

    [Fact]
    public async Task A_stalled_store_turns_new_mail_away_with_4xx_and_the_waiting_writes_complete_when_it_recovers()
    {
        await using var node = await TestNode.StartAsync(Config);
        var waiting = new List<(RawSmtpClient Client, Task<string> Reply)>();
        await using (var blocker = new SqliteConnection($"Data Source={node.DatabasePath};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync();
            }

            await using var third = await OpenTransactionAsync(node, "third");
            // Two sessions finish DATA; their writes wait for the lock and fill max-pending-writes.
            for (var i = 0; i < 2; i++)
            {
                var client = await OpenTransactionAsync(node, $"waiting{i}");
                Assert.StartsWith("354", await client.CommandAsync("DATA\r\n"));
                await client.SendAsync($"Subject: waiting {i}\r\n\r\nbody\r\n.\r\n");
                waiting.Add((client, client.ReadReplyAsync(TimeSpan.FromSeconds(30))));
            }

            await WaitUntilAsync(() => node.Host.PendingWrites.Count == 2, "both bodies waiting for their write");

            // A session that was already open gets 451 4.3.0 to DATA itself, so it never sends its body...
            Assert.StartsWith("451 4.3.0", await third.CommandAsync("DATA\r\n"));
            // ...and to a first BDAT, whose octets are read and dropped so the session stays in step.
            Assert.StartsWith("250", await third.CommandAsync("MAIL FROM:<third@example.org>\r\n"));
            Assert.StartsWith("250", await third.CommandAsync("RCPT TO:<user@localhost>\r\n"));
            Assert.StartsWith("451 4.3.0", await third.CommandAsync("BDAT 6 LAST\r\nhello!"));
            Assert.StartsWith("250", await third.CommandAsync("NOOP\r\n"));

            // A new connection is told to come back later and closed.
            await using var late = await RawSmtpClient.ConnectAsync(node.Endpoint, readGreeting: false);
            Assert.StartsWith("421 4.3.2", await late.ReadReplyAsync(TimeSpan.FromSeconds(10)));
            Assert.True(await late.IsClosedByServerAsync(TimeSpan.FromSeconds(10)));

            Assert.All(waiting, w => Assert.False(w.Reply.IsCompleted, "a write completed while the store was locked"));
            Assert.Empty(await node.StoredMessagesAsync());
        }

        // The store recovers: the waiting writes complete with 250, and new mail is taken again.
        foreach (var (client, reply) in waiting)
        {
            Assert.StartsWith("250 2.0.0", await reply);
            await client.DisposeAsync();
        }
        await using var after = await OpenTransactionAsync(node, "after");
        Assert.StartsWith("354", await after.CommandAsync("DATA\r\n"));
        Assert.StartsWith("250 2.0.0", await after.CommandAsync("Subject: after\r\n\r\nbody\r\n.\r\n"));
        Assert.Equal(3, (await node.StoredMessagesAsync()).Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    private static async Task<RawSmtpClient> OpenTransactionAsync(TestNode node, string name)
    {
        var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        Assert.StartsWith("250", await client.CommandAsync($"EHLO {name}.example\r\n"));
        Assert.StartsWith("250", await client.CommandAsync($"MAIL FROM:<{name}@example.org>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<user@localhost>\r\n"));
        return client;
    }
}
