using MailCluster.Core.Spool;
using Npgsql;
using Xunit.Abstractions;

namespace MailCluster.Core.Tests.Spool;

/// <summary>The PostgreSQL spool against a real server (tests in a class run one at a time, so the outage test is safe).</summary>
public sealed class PostgresSpoolTests(PostgresFixture pg, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_760_000_000_123);

    private async Task<(PostgresMessageSpool Spool, string ConnectionString)> NewSpoolAsync(TimeSpan? writeTimeout = null)
    {
        output.WriteLine($"fixture start (initdb + start + create database): {pg.StartTime.TotalMilliseconds:F0} ms");
        var connectionString = await pg.Server.CreateDatabaseAsync();
        var spool = new PostgresMessageSpool(new PostgresSpoolOptions(connectionString, writeTimeout ?? TimeSpan.FromSeconds(10)));
        await spool.MigrateAsync();
        return (spool, connectionString);
    }

    private static SpooledMessage Message(string id, byte[]? content = null, params string[] recipients) => new(
        id, "sender@example.net", recipients.Length > 0 ? recipients : ["a@example.com"], "192.0.2.7", "client.example.net", At,
        content ?? "Subject: hi\r\n\r\nbody\r\n"u8.ToArray());

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Stored_message_loads_byte_identical()
    {
        var (spool, _) = await NewSpoolAsync();
        await using var _ = spool;
        var content = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31 % 256)).ToArray(); // every octet value, NUL and CR/LF included
        await spool.StoreAsync(Message("Q1", content, "z@example.com", "a@example.com", "m@example.com"));

        var loaded = await spool.LoadAsync("Q1");
        Assert.NotNull(loaded);
        Assert.Equal(content, loaded.Content.ToArray());
        Assert.Equal(["z@example.com", "a@example.com", "m@example.com"], loaded.Recipients);
        Assert.Equal(("sender@example.net", "192.0.2.7", "client.example.net", At), (loaded.Sender, loaded.ClientIp, loaded.HeloName, loaded.ReceivedAt));
        Assert.Equal(["Q1"], await spool.ListQueueIdsAsync());
        Assert.Null(await spool.LoadAsync("nope"));
    }

    [Fact]
    public async Task Restore_is_idempotent_per_queue_id_and_recipient()
    {
        var (spool, cs) = await NewSpoolAsync();
        await using var _ = spool;
        await spool.StoreAsync(Message("Q1", null, "a@example.com", "b@example.com"));
        await spool.StoreAsync(Message("Q1", null, "a@example.com", "b@example.com"));
        // The same message twice within one batch too.
        await Task.WhenAll(spool.StoreAsync(Message("Q2")), spool.StoreAsync(Message("Q2")), spool.StoreAsync(Message("Q2")));

        Assert.Equal(["Q1", "Q2"], await spool.ListQueueIdsAsync());
        Assert.Equal(["a@example.com", "b@example.com"], (await spool.LoadAsync("Q1"))!.Recipients);
        Assert.Equal(3, await ScalarAsync(cs, "SELECT count(*) FROM spool_recipient"));
        await spool.MigrateAsync(); // migrating again is harmless
        Assert.Equal(2, await ScalarAsync(cs, "SELECT count(*) FROM spool_message"));
    }

    [Fact]
    public async Task Concurrent_stores_are_all_durable_and_group_committed()
    {
        var (spool, cs) = await NewSpoolAsync();
        await using (spool)
        {
            var writers = Enumerable.Range(0, 20).Select(t => Task.Run(async () =>
            {
                await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
                    spool.StoreAsync(Message($"Q{t:D2}-{i:D2}", System.Text.Encoding.ASCII.GetBytes($"body {t} {i}\r\n"), $"r{i}@example.com", "x@example.com"))));
            }));
            await Task.WhenAll(writers);
        }

        // Read back through a new connection after the spool is gone: every completed store is in the database.
        Assert.Equal(200, await ScalarAsync(cs, "SELECT count(*) FROM spool_message"));
        Assert.Equal(400, await ScalarAsync(cs, "SELECT count(*) FROM spool_recipient"));
        // Rows written by one transaction share its xmin: fewer distinct ones than messages means batches formed.
        var transactions = await ScalarAsync(cs, "SELECT count(DISTINCT xmin::text) FROM spool_message");
        output.WriteLine($"200 messages in {transactions} transactions");
        Assert.InRange(transactions, 1, 199);
    }

    [Fact]
    public async Task Completing_the_last_recipient_removes_the_body()
    {
        var (spool, cs) = await NewSpoolAsync();
        await using var _ = spool;
        await spool.StoreAsync(Message("Q1", null, "a@example.com", "b@example.com", "c@example.com"));
        await spool.StoreAsync(Message("Q2"));

        await spool.CompleteRecipientsAsync("Q1", ["b@example.com"]);
        Assert.Equal(["a@example.com", "c@example.com"], (await spool.LoadAsync("Q1"))!.Recipients);

        await spool.CompleteRecipientsAsync("Q1", ["a@example.com", "c@example.com"]);
        Assert.Null(await spool.LoadAsync("Q1"));
        Assert.Equal(["Q2"], await spool.ListQueueIdsAsync());
        await spool.CompleteRecipientsAsync("Q1", ["a@example.com"]); // idempotent
        Assert.Equal(1, await ScalarAsync(cs, "SELECT count(*) FROM spool_recipient"));
    }

    [Fact]
    public async Task Store_then_complete_in_one_batch_keep_their_order()
    {
        var (spool, _) = await NewSpoolAsync();
        await using var _ = spool;
        await Task.WhenAll(
            spool.StoreAsync(Message("Q1", null, "a@example.com")),
            spool.CompleteRecipientsAsync("Q1", ["a@example.com"]),
            spool.StoreAsync(Message("Q2")));
        Assert.Equal(["Q2"], await spool.ListQueueIdsAsync());
    }

    [Fact]
    public async Task Database_outage_fails_stores_and_recovers_after_restart()
    {
        var (spool, _) = await NewSpoolAsync(writeTimeout: TimeSpan.FromSeconds(5));
        await using var _ = spool;
        await spool.StoreAsync(Message("before"));
        await pg.Server.StopServerAsync();
        try
        {
            var store = spool.StoreAsync(Message("during"));
            await Assert.ThrowsAsync<SpoolUnavailableException>(() => store.WaitAsync(TimeSpan.FromSeconds(30)));
            await Assert.ThrowsAsync<SpoolUnavailableException>(() => spool.LoadAsync("before").WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await pg.Server.StartServerAsync();
        }

        await spool.StoreAsync(Message("after"));
        Assert.Equal(["after", "before"], await spool.ListQueueIdsAsync());
        Assert.NotNull(await spool.LoadAsync("before"));
    }
}
