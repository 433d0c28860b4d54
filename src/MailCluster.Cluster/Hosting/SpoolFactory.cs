using MailCluster.Core.Spool;

namespace MailCluster.Cluster.Hosting;

/// <summary>The spool the storage settings name: one SQLite file, or the PostgreSQL database a cluster shares.</summary>
public static class SpoolFactory
{
    /// <summary>Wrapped in <see cref="Metrics.TimedMessageSpool"/>, so its writes show in the spool latency histogram.</summary>
    public static async Task<IMessageSpool> OpenAsync(StorageSettings storage) => new Metrics.TimedMessageSpool(await OpenStoreAsync(storage));

    private static async Task<IMessageSpool> OpenStoreAsync(StorageSettings storage)
    {
        if (!storage.IsPostgres)
            return await SqliteMessageSpool.OpenAsync(new SqliteSpoolOptions(storage.SqlitePath, storage.BusyTimeout));
        var spool = new PostgresMessageSpool(new PostgresSpoolOptions(storage.PostgresConnectionString, storage.WriteTimeout));
        if (storage.AutoMigrate) await spool.MigrateAsync();
        else if (!await spool.SchemaExistsAsync())
        {
            // Refuse to start rather than answer every message with 451 because a table is missing.
            await spool.DisposeAsync();
            throw new ConfigValidationException([new ConfigProblem(ProblemSeverity.Error, "mailcluster.storage.auto-migrate",
                "auto-migrate is off and the database has no MailCluster tables; run `mailcluster-node migrate --config FILE` first")]);
        }
        return spool;
    }
}
