using System.Text;
using MailCluster.Core.Messages;
using MailCluster.Core.Spool;
using Microsoft.Data.Sqlite;

namespace MailCluster.Core.Tests;

public sealed class SqliteMessageSpoolTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "spool-test-" + Guid.NewGuid().ToString("N"));
    private string DbPath => Path.Combine(_dir, "spool.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private Task<SqliteMessageSpool> OpenAsync(TimeSpan? busy = null) =>
        SqliteMessageSpool.OpenAsync(new SqliteSpoolOptions(DbPath, busy ?? TimeSpan.FromSeconds(5)));

    private static SpooledMessage Message(string body, params string[] recipients) =>
        new(QueueId.New(), "a@example.org", recipients, "127.0.0.1", "helo.example",
            DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), Encoding.UTF8.GetBytes(body));

    [Fact]
    public async Task Stored_messages_survive_reopening_the_file_with_their_exact_bytes()
    {
        var message = Message("Subject: x\r\n\r\n\u00e9\0binary\r\n", "u1@localhost", "u2@localhost");
        await using (var spool = await OpenAsync()) await spool.StoreAsync(message);

        await using var reopened = await OpenAsync();
        var loaded = await reopened.LoadAsync(message.QueueId);
        Assert.NotNull(loaded);
        Assert.Equal(message.Content.ToArray(), loaded.Content.ToArray());
        Assert.Equal(message.Recipients, loaded.Recipients);
        Assert.Equal(message.ReceivedAt, loaded.ReceivedAt);
        Assert.Equal("helo.example", loaded.HeloName);
    }

    [Fact]
    public async Task The_database_is_in_wal_mode()
    {
        await using var spool = await OpenAsync();
        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_commit_reaches_the_main_database_file_through_a_checkpoint_soon_after()
    {
        // The checkpointer runs only after the writer signals a commit (an idle spool never wakes up for it), so
        // this checks the signal: the main file alone, without its WAL, must come to hold the message.
        await using var spool = await OpenAsync();
        var message = Message("checkpointed\r\n", "u@localhost");
        await spool.StoreAsync(message);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (await CountInMainFileAsync(message.QueueId) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the commit was not checkpointed into the main file");
            await Task.Delay(200);
        }
    }

    /// <summary>Copies the main file without its -wal and counts the message there: only checkpointed pages are in it.</summary>
    private async Task<long> CountInMainFileAsync(string queueId)
    {
        var copy = Path.Combine(_dir, "main-only-" + Guid.NewGuid().ToString("N") + ".db");
        File.Copy(DbPath, copy);
        try
        {
            await using var connection = new SqliteConnection($"Data Source={copy};Pooling=false");
            await connection.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM spool_message WHERE queue_id = $id";
            cmd.Parameters.AddWithValue("$id", queueId);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        catch (SqliteException) { return 0; } // not even the schema has been checkpointed yet
        finally { SqliteConnection.ClearAllPools(); }
    }

    [Fact]
    public async Task Concurrent_writers_are_group_committed_and_all_acknowledged_writes_are_there()
    {
        await using var spool = await OpenAsync();
        var messages = Enumerable.Range(0, 500).Select(i => Message($"body {i}\r\n", $"r{i}@localhost")).ToList();

        await Task.WhenAll(messages.Select(m => Task.Run(() => spool.StoreAsync(m))));

        var ids = await spool.ListQueueIdsAsync();
        Assert.Equal(messages.Select(m => m.QueueId).Order(), ids.Order());
    }

    [Fact]
    public async Task A_duplicate_recipient_in_one_message_is_stored_once()
    {
        await using var spool = await OpenAsync();
        var message = Message("x\r\n", "same@localhost", "same@localhost", "other@localhost");
        await spool.StoreAsync(message);
        Assert.Equal(["same@localhost", "other@localhost"], (await spool.LoadAsync(message.QueueId))!.Recipients);
    }

    [Fact]
    public async Task A_write_that_cannot_get_the_lock_fails_with_spool_unavailable_and_the_spool_recovers()
    {
        await using var spool = await OpenAsync(TimeSpan.FromSeconds(1));
        var blocked = Message("blocked\r\n", "u@localhost");
        await using (var blocker = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using var begin = blocker.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE";
            await begin.ExecuteNonQueryAsync();
            await Assert.ThrowsAsync<SpoolUnavailableException>(() => spool.StoreAsync(blocked));
        }

        var after = Message("after\r\n", "u@localhost");
        await spool.StoreAsync(after);
        Assert.Equal([after.QueueId], await spool.ListQueueIdsAsync());
    }
}
