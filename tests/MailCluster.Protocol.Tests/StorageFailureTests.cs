using Microsoft.Data.Sqlite;

namespace MailCluster.Protocol.Tests;

/// <summary>The durability promise under a real storage failure: 451, never 250 for something not stored.</summary>
public sealed class StorageFailureTests
{
    [Fact]
    public async Task A_locked_database_gets_451_and_the_retry_after_it_is_released_gets_250()
    {
        await using var node = await TestNode.StartAsync("mailcluster.storage.sqlite.busy-timeout = 1s");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO store.example\r\n");

        // Another process-like writer holds the write lock: a real SQLITE_BUSY for the spool.
        await using (var blocker = new SqliteConnection($"Data Source={node.DatabasePath};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using var begin = blocker.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE";
            await begin.ExecuteNonQueryAsync();

            await client.CommandAsync("MAIL FROM:<a@example.org>\r\n");
            await client.CommandAsync("RCPT TO:<user@localhost>\r\n");
            await client.CommandAsync("DATA\r\n");
            Assert.StartsWith("451 4.3.0", await client.CommandAsync("Subject: locked\r\n\r\nbody\r\n.\r\n"));
        }

        Assert.Empty(await node.StoredMessagesAsync());
        await client.CommandAsync("MAIL FROM:<a@example.org>\r\n");
        await client.CommandAsync("RCPT TO:<user@localhost>\r\n");
        await client.CommandAsync("DATA\r\n");
        Assert.StartsWith("250 2.0.0", await client.CommandAsync("Subject: retry\r\n\r\nbody\r\n.\r\n"));
        Assert.Single(await node.StoredMessagesAsync());
    }
}
