using System.Text;
using MailCluster.TestSupport.Postgres;
using Npgsql;

namespace MailCluster.Node.Tests;

/// <summary>
/// `mailcluster-node migrate` against a real PostgreSQL: it creates every table a node needs, is safe to repeat, and a
/// node with auto-migrate off then runs on that database (and refuses one that was never migrated).
/// </summary>
public sealed class MigrateCommandTests : IAsyncLifetime
{
    private PostgresServer _postgres = null!;

    public async Task InitializeAsync() => _postgres = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await _postgres.StopAsync();

    private static string Config(TempDir dir, string connectionString) => dir.Config($$"""
        mailcluster.storage {
          provider = postgresql
          auto-migrate = off
          postgresql.connection-string = "{{connectionString}}"
        }
        """);

    private static async Task<bool> TableExistsAsync(string connectionString, string table)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT to_regclass(@t) IS NOT NULL", connection);
        query.Parameters.AddWithValue("t", table);
        return (bool)(await query.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Migrate_creates_the_spool_journal_and_snapshot_tables_and_can_be_repeated()
    {
        var db = await _postgres.CreateDatabaseAsync();
        using var dir = new TempDir();
        Assert.False(await TableExistsAsync(db, "spool_message"));

        for (var run = 0; run < 2; run++)
        {
            var (code, stdout, stderr) = await NodeProcess.RunToExitAsync(Config(dir, db), dir.Path, "migrate");
            Assert.True(code == 0, $"run {run}: exit {code}\n{stdout}\n{stderr}");
            Assert.Contains("migration complete", stdout);
        }
        foreach (var table in new[] { "spool_message", "spool_recipient", "journal", "snapshot" })
            Assert.True(await TableExistsAsync(db, table), $"table {table} missing after migrate");
    }

    [Fact]
    public async Task A_node_with_auto_migrate_off_accepts_mail_on_a_migrated_database()
    {
        var db = await _postgres.CreateDatabaseAsync();
        using var dir = new TempDir();
        var (code, stdout, stderr) = await NodeProcess.RunToExitAsync(Config(dir, db), dir.Path, "migrate");
        Assert.True(code == 0, $"{stdout}\n{stderr}");

        using var node = await NodeProcess.StartAsync(Config(dir, db), dir.Path);
        using var smtp = await RawSmtpClient.ConnectAsync(node.Port);
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO client.test"));
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.org>"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<postmaster@localhost>"));
        Assert.StartsWith("250 2.0.0", await smtp.DataAsync(Encoding.ASCII.GetBytes("Subject: migrated\r\n\r\nhello\r\n")));
    }

    [Fact]
    public async Task A_node_with_auto_migrate_off_refuses_an_empty_database_and_says_what_to_run()
    {
        var db = await _postgres.CreateDatabaseAsync();
        using var dir = new TempDir();
        var (code, stdout, stderr) = await NodeProcess.RunToExitAsync(Config(dir, db), dir.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("mailcluster.storage.auto-migrate", stderr);
        Assert.Contains("mailcluster-node migrate", stderr);
        Assert.DoesNotContain("node ready", stdout);
    }
}
