using Npgsql;

namespace MailCluster.Cluster.Hosting.Formation;

/// <summary>
/// The lease row in the cluster's PostgreSQL: who renewed it last and when, by the database's clock, so the nodes'
/// clocks need not agree. One row (created with the spool tables); every Up member renews it.
/// </summary>
public sealed class PostgresFormationLease(string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    /// <summary>How long ago (database time) the lease was renewed, and by whom; null when it never was.</summary>
    public async Task<(TimeSpan Age, string Holder)?> ReadAsync(CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT holder, now() - renewed_at FROM mailcluster_formation_lease WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (reader.GetFieldValue<TimeSpan>(1), reader.GetString(0));
    }

    public async Task RenewAsync(string holder, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO mailcluster_formation_lease (id, holder, renewed_at) VALUES (1, $1, now())
            ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, renewed_at = excluded.renewed_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = holder });
        await command.ExecuteNonQueryAsync(ct);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
