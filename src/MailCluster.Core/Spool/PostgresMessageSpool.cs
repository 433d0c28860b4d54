using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace MailCluster.Core.Spool;

/// <summary>
/// The shared spool of a multi-node cluster, on PostgreSQL. Same contract as <see cref="SqliteMessageSpool"/>:
/// concurrent callers queue their writes on a channel; a single writer drains whatever has arrived and commits it
/// as one transaction (synchronous_commit on, so the commit is flushed to the server's WAL before it returns),
/// then completes every waiter. A batch goes to the server in one round trip: consecutive stores become one
/// multi-row INSERT ... ON CONFLICT DO NOTHING per table; retirements keep their place in the order.
/// Any failure fails the whole batch with <see cref="SpoolUnavailableException"/> and clears the pool, so the next
/// batch starts on a fresh connection.
/// </summary>
public sealed class PostgresMessageSpool : IMessageSpool
{
    private readonly PostgresSpoolOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = true });
    private readonly Task _writer;

    /// <summary>Either a message to insert or recipients to retire; both ride the same group commit.</summary>
    private sealed record PendingWrite(SpooledMessage? Message, string? CompletedQueueId, IReadOnlyList<string>? CompletedRecipients,
        TaskCompletionSource Done);

    /// <summary>Connects lazily; call <see cref="MigrateAsync"/> once before use to create the tables.</summary>
    public PostgresMessageSpool(PostgresSpoolOptions options)
    {
        _options = options;
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        var timeoutSeconds = Math.Max(1, (int)Math.Ceiling(options.WriteTimeout.TotalSeconds));
        builder.Timeout = Math.Min(builder.Timeout, timeoutSeconds);
        builder.CommandTimeout = Math.Min(builder.CommandTimeout, timeoutSeconds);
        // The group commit sends the same few statements over and over: let Npgsql prepare them on each pooled
        // connection (a server-side parse and plan once, not per batch), unless the connection string says otherwise.
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 32;
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Creates the tables if they do not exist. Safe to run from several nodes at once: an advisory lock serializes
    /// it, since concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('mailcluster.spool'))", connection, tx))
                await lockCmd.ExecuteNonQueryAsync(cancellationToken);
            await using (var create = new NpgsqlCommand(PostgresSpoolSchema.Create, connection, tx))
                await create.ExecuteNonQueryAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (IsDatabaseFailure(ex, cancellationToken))
        {
            throw new SpoolUnavailableException($"spool migration failed: {ex.Message}", ex);
        }
    }

    /// <summary>Whether the spool tables exist: a node started with auto-migrate off checks this before it accepts mail.</summary>
    public async Task<bool> SchemaExistsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var query = new NpgsqlCommand(
                "SELECT to_regclass('spool_message') IS NOT NULL AND to_regclass('spool_recipient') IS NOT NULL", connection);
            return (bool)(await query.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (Exception ex) when (IsDatabaseFailure(ex, cancellationToken))
        {
            throw new SpoolUnavailableException($"spool schema check failed: {ex.Message}", ex);
        }
    }

    public Task StoreAsync(SpooledMessage message, CancellationToken cancellationToken = default) =>
        // Continuations run inline on the writer, as in the SQLite spool: they only post the result to the session actor.
        Enqueue(new PendingWrite(message, null, null, new TaskCompletionSource()));

    public Task CompleteRecipientsAsync(string queueId, IReadOnlyList<string> recipients, CancellationToken cancellationToken = default) =>
        Enqueue(new PendingWrite(null, queueId, recipients, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));

    private Task Enqueue(PendingWrite write)
    {
        if (!_writes.Writer.TryWrite(write))
            write.Done.SetException(new SpoolUnavailableException("spool is shut down"));
        return write.Done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>();
        while (await _writes.Reader.WaitToReadAsync())
        {
            batch.Clear();
            long bytes = 0;
            while (batch.Count < _options.MaxBatchMessages && bytes < _options.MaxBatchBytes && _writes.Reader.TryRead(out var write))
            {
                batch.Add(write);
                bytes += write.Message?.Content.Length ?? 0;
            }
            try
            {
                using var timeout = new CancellationTokenSource(_options.WriteTimeout);
                await CommitAsync(batch, timeout.Token);
                foreach (var w in batch) w.Done.TrySetResult();
            }
            catch (Exception ex)
            {
                // Pooled connections may be dead too (server restarted): drop them all so the next batch connects afresh.
                _dataSource.Clear();
                var failure = new SpoolUnavailableException($"spool write failed: {ex.Message}", ex);
                foreach (var w in batch) w.Done.TrySetException(failure);
            }
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var commands = new NpgsqlBatch(connection, tx);
        // Durability must not depend on the server's or the role's default.
        commands.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO on"));
        var stores = new List<SpooledMessage>();
        foreach (var write in batch)
        {
            if (write.Message is not null)
            {
                stores.Add(write.Message);
                continue;
            }
            AddInserts(commands, stores);
            stores.Clear();
            AddRetirement(commands, write.CompletedQueueId!, write.CompletedRecipients!);
        }
        AddInserts(commands, stores);
        await commands.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>One INSERT per table for a run of messages; re-stores (same queue id or recipient) are no-ops.</summary>
    private static void AddInserts(NpgsqlBatch commands, List<SpooledMessage> messages)
    {
        if (messages.Count == 0) return;
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO spool_message (queue_id, sender, client_ip, helo_name, received_at, size, content)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::integer[], $7::bytea[])
            ON CONFLICT (queue_id) DO NOTHING
            """);
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = messages.Select(m => m.QueueId).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = messages.Select(m => m.Sender).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = messages.Select(m => m.ClientIp).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = messages.Select(m => m.HeloName).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = messages.Select(m => m.ReceivedAt.ToUnixTimeMilliseconds()).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = messages.Select(m => m.Content.Length).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = messages.Select(m => SpoolBytes.AsArray(m.Content)).ToArray() });
        commands.BatchCommands.Add(insert);

        var recipients = messages.SelectMany(m => m.Recipients.Select((r, i) => (m.QueueId, Recipient: r, Ordinal: i, Route: m.RouteOf(i))))
            .ToArray();
        if (recipients.Length == 0) return;
        var rcpt = new NpgsqlBatchCommand("""
            INSERT INTO spool_recipient (queue_id, recipient, ordinal, queue_key, original_recipient)
            SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[])
            ON CONFLICT (queue_id, recipient) DO NOTHING
            """);
        rcpt.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = recipients.Select(r => r.QueueId).ToArray() });
        rcpt.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = recipients.Select(r => r.Recipient).ToArray() });
        rcpt.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = recipients.Select(r => r.Ordinal).ToArray() });
        rcpt.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = recipients.Select(r => r.Route.QueueKey).ToArray() });
        rcpt.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = recipients.Select(r => r.Route.OriginalRecipient).ToArray() });
        commands.BatchCommands.Add(rcpt);
    }

    /// <summary>Removes finished recipients; the body goes with the last one.</summary>
    private static void AddRetirement(NpgsqlBatch commands, string queueId, IReadOnlyList<string> recipients)
    {
        var delete = new NpgsqlBatchCommand("DELETE FROM spool_recipient WHERE queue_id = $1 AND recipient = ANY($2)");
        delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queueId });
        delete.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = recipients.ToArray() });
        commands.BatchCommands.Add(delete);
        var orphan = new NpgsqlBatchCommand(
            "DELETE FROM spool_message m WHERE m.queue_id = $1 AND NOT EXISTS (SELECT 1 FROM spool_recipient r WHERE r.queue_id = m.queue_id)");
        orphan.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queueId });
        commands.BatchCommands.Add(orphan);
    }

    public async Task<SpooledMessage?> LoadAsync(string queueId, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new("SELECT sender, client_ip, helo_name, received_at, content FROM spool_message WHERE queue_id = $1")
                        { Parameters = { new NpgsqlParameter<string> { TypedValue = queueId } } },
                    new("SELECT recipient FROM spool_recipient WHERE queue_id = $1 ORDER BY ordinal")
                        { Parameters = { new NpgsqlParameter<string> { TypedValue = queueId } } },
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return null;
            var (sender, ip, helo) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
            var at = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3));
            var content = reader.GetFieldValue<byte[]>(4);
            await reader.NextResultAsync(cancellationToken);
            var recipients = new List<string>();
            while (await reader.ReadAsync(cancellationToken)) recipients.Add(reader.GetString(0));
            return new SpooledMessage(queueId, sender, recipients, ip, helo, at, content);
        }
        catch (Exception ex) when (IsDatabaseFailure(ex, cancellationToken))
        {
            throw new SpoolUnavailableException($"spool read failed: {ex.Message}", ex);
        }
    }

    public async Task<IReadOnlyList<string>> ListQueueIdsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var cmd = _dataSource.CreateCommand("SELECT queue_id FROM spool_message ORDER BY queue_id");
            var ids = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
            return ids;
        }
        catch (Exception ex) when (IsDatabaseFailure(ex, cancellationToken))
        {
            throw new SpoolUnavailableException($"spool read failed: {ex.Message}", ex);
        }
    }

    public async Task<IReadOnlyList<SpooledEntry>> LoadQueueEntriesAsync(string queueKey, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var cmd = _dataSource.CreateCommand("""
                SELECT r.queue_id, r.recipient, COALESCE(r.original_recipient, r.recipient), m.sender, m.received_at, m.size
                FROM spool_recipient r JOIN spool_message m ON m.queue_id = r.queue_id
                WHERE r.queue_key = $1 ORDER BY m.received_at, r.queue_id, r.ordinal
                """);
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queueKey });
            var entries = new List<SpooledEntry>();
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                entries.Add(new SpooledEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetInt32(5)));
            return entries;
        }
        catch (Exception ex) when (IsDatabaseFailure(ex, cancellationToken))
        {
            throw new SpoolUnavailableException($"spool read failed: {ex.Message}", ex);
        }
    }

    public async Task<IReadOnlyList<string>> ListQueueKeysAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var cmd = _dataSource.CreateCommand(
                "SELECT DISTINCT queue_key FROM spool_recipient WHERE queue_key IS NOT NULL ORDER BY queue_key");
            var keys = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));
            return keys;
        }
        catch (Exception ex) when (IsDatabaseFailure(ex, cancellationToken))
        {
            throw new SpoolUnavailableException($"spool read failed: {ex.Message}", ex);
        }
    }

    /// <summary>Server, network and timeout failures; a cancellation the caller asked for stays a cancellation.</summary>
    private static bool IsDatabaseFailure(Exception ex, CancellationToken callerToken) =>
        ex is NpgsqlException or TimeoutException || (ex is OperationCanceledException && !callerToken.IsCancellationRequested);

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writer;
        await _dataSource.DisposeAsync();
    }
}
