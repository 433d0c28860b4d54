using MailCluster.Core.Spool;
using Microsoft.Data.Sqlite;

namespace MailCluster.Core.Tests.Spool;

/// <summary>A full disk is told apart from other storage failures, with the errors real SQLite raises.</summary>
public sealed class StorageFaultsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "storage-faults-" + Guid.NewGuid().ToString("N") + ".db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    [Fact]
    public async Task A_database_that_cannot_grow_is_out_of_space_even_wrapped_as_the_spool_wraps_it()
    {
        // max_page_count makes SQLite itself answer SQLITE_FULL, as it does on ENOSPC.
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await Execute(connection, "CREATE TABLE t (b BLOB); PRAGMA max_page_count = 3;");
        var full = await Assert.ThrowsAsync<SqliteException>(() => Execute(connection, "INSERT INTO t VALUES (zeroblob(100000))"));

        Assert.True(StorageFaults.IsOutOfSpace(full));
        Assert.True(StorageFaults.IsOutOfSpace(new SpoolUnavailableException($"spool write failed: {full.Message}", full)));
        Assert.True(StorageFaults.IsOutOfSpace(new AggregateException(new SpoolUnavailableException("x", full))));
    }

    [Fact]
    public async Task Other_storage_failures_are_not_out_of_space()
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        var broken = await Assert.ThrowsAsync<SqliteException>(() => Execute(connection, "INSERT INTO missing VALUES (1)"));

        Assert.False(StorageFaults.IsOutOfSpace(new SpoolUnavailableException("spool write failed", broken)));
        Assert.False(StorageFaults.IsOutOfSpace(new TimeoutException("the journal did not answer")));
        Assert.False(StorageFaults.IsOutOfSpace(new IOException("I/O error", 5 /* EIO */)));
        Assert.True(StorageFaults.IsOutOfSpace(new IOException("No space left on device", 28 /* ENOSPC */)));
        Assert.False(StorageFaults.IsOutOfSpace(null));
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
