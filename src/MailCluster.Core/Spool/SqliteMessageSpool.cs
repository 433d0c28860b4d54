using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace MailCluster.Core.Spool;

/// <summary>
/// The embedded spool: one SQLite file in WAL mode with synchronous=FULL, so a commit is fsync'd before it returns.
/// Group commit: concurrent sessions queue their writes on a channel; a single writer drains whatever has arrived
/// and commits it as one transaction, then completes every waiter. One fsync then serves many messages.
/// </summary>
public sealed class SqliteMessageSpool : IMessageSpool
{
    private readonly SqliteSpoolOptions _options;
    private readonly string _connectionString;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = true });
    private readonly Task _writer;
    private readonly Task _checkpointer;
    private readonly CancellationTokenSource _stopping = new();
    // Set by the writer after a commit: the WAL has pages the checkpointer has not copied yet. Capacity 1, so any
    // number of commits while a checkpoint waits or runs leave exactly one more round to do.
    private readonly Channel<bool> _walDirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true,
    });
    private SqliteConnection? _writeConnection;
    private SqliteSpoolWriteStatements? _statements;
    private readonly SqliteSpoolBodyReaders _bodyReaders;

    /// <summary>Either a message to insert or recipients to retire; both ride the same group commit.</summary>
    private sealed record PendingWrite(SpooledMessage? Message, string? CompletedQueueId, IReadOnlyList<string>? CompletedRecipients,
        TaskCompletionSource Done);

    private SqliteMessageSpool(SqliteSpoolOptions options)
    {
        _options = options;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
            Pooling = true,
        }.ToString();
        _bodyReaders = new SqliteSpoolBodyReaders(OpenConnectionAsync);
        _writer = Task.Run(WriteLoopAsync);
        _checkpointer = Task.Run(CheckpointLoopAsync);
    }

    /// <summary>
    /// WAL checkpoints copy pages into the main file and fsync it. SQLite would run them inside whichever commit
    /// crosses the threshold, stalling every session in that group; here they run beside the writer instead
    /// (PASSIVE never blocks it). Commits stay durable either way: each one fsyncs the WAL.
    /// A round runs only after the writer has committed something, at most once per <see cref="CheckpointDelay"/>
    /// (so a busy spool is checkpointed as often as before, and an idle one not at all: no wake-up, no file access).
    /// A round that could not copy the whole WAL (a reader held old pages) tries again after the same delay.
    /// </summary>
    private async Task CheckpointLoopAsync()
    {
        try
        {
            while (await _walDirty.Reader.WaitToReadAsync(_stopping.Token))
            {
                _walDirty.Reader.TryRead(out _);
                await Task.Delay(CheckpointDelay, _stopping.Token);
                bool complete;
                try
                {
                    await using var connection = await OpenConnectionAsync(_stopping.Token);
                    await using var checkpoint = connection.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    // One row: busy (0/1), frames in the WAL, frames checkpointed (-1 when not in WAL mode).
                    await using var result = await checkpoint.ExecuteReaderAsync(_stopping.Token);
                    complete = await result.ReadAsync(_stopping.Token) && result.GetInt64(0) == 0 && result.GetInt64(2) >= result.GetInt64(1);
                }
                catch (SqliteException) { complete = false; } // busy or unavailable
                if (!complete) MarkWalDirty();
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>How long after a commit the WAL is checkpointed; commits within it share one checkpoint.</summary>
    private static readonly TimeSpan CheckpointDelay = TimeSpan.FromSeconds(1);

    private void MarkWalDirty() => _walDirty.Writer.TryWrite(true);

    /// <summary>Creates the file and tables if needed. Fails fast if the file cannot be opened.</summary>
    public static async Task<SqliteMessageSpool> OpenAsync(SqliteSpoolOptions options, CancellationToken ct = default)
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(options.Path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var spool = new SqliteMessageSpool(options);
        await using var connection = await spool.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteSpoolSchema.Create;
        await command.ExecuteNonQueryAsync(ct);
        await AddMissingColumnsAsync(connection, ct);
        command.CommandText = SqliteSpoolSchema.CreateIndexes;
        await command.ExecuteNonQueryAsync(ct);
        return spool;
    }

    /// <summary>A spool file from before the recipient row carried its queue key gets the new columns (SQLite has no ADD COLUMN IF NOT EXISTS).</summary>
    private static async Task AddMissingColumnsAsync(SqliteConnection connection, CancellationToken ct)
    {
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var info = connection.CreateCommand())
        {
            info.CommandText = "SELECT name FROM pragma_table_info('spool_recipient')";
            await using var reader = await info.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) existing.Add(reader.GetString(0));
        }
        foreach (var (column, type) in SqliteSpoolSchema.AddedRecipientColumns.Where(c => !existing.Contains(c.Column)))
        {
            await using var alter = connection.CreateCommand();
            alter.CommandText = $"ALTER TABLE spool_recipient ADD COLUMN {column} {type}";
            await alter.ExecuteNonQueryAsync(ct);
        }
    }

    public Task StoreAsync(SpooledMessage message, CancellationToken cancellationToken = default)
    {
        // Continuations run inline on the writer: they only post the result to the session actor, which saves a thread hop per message.
        return Enqueue(new PendingWrite(message, null, null, new TaskCompletionSource()));
    }

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
                await CommitAsync(batch);
                MarkWalDirty();
                foreach (var w in batch) w.Done.TrySetResult();
            }
            catch (Exception ex)
            {
                // Drop the connection: the next batch starts from a fresh one, in case this one is broken.
                await CloseWriteConnectionAsync();
                var failure = new SpoolUnavailableException($"spool write failed: {ex.Message}", ex);
                foreach (var w in batch) w.Done.TrySetException(failure);
            }
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        if (_writeConnection is null)
        {
            _writeConnection = await OpenConnectionAsync(CancellationToken.None);
            await using var noAutoCheckpoint = _writeConnection.CreateCommand();
            noAutoCheckpoint.CommandText = "PRAGMA wal_autocheckpoint=0";
            await noAutoCheckpoint.ExecuteNonQueryAsync();
            _statements = new SqliteSpoolWriteStatements(_writeConnection);
        }
        await using var tx = _writeConnection.BeginTransaction(deferred: false);
        foreach (var write in batch)
        {
            if (write.Message is not null) await _statements!.InsertAsync(tx, write.Message);
            else await _statements!.RetireAsync(tx, write.CompletedQueueId!, write.CompletedRecipients!);
        }
        await tx.CommitAsync();
    }

    public Task<SpooledMessage?> LoadAsync(string queueId, CancellationToken cancellationToken = default) =>
        _bodyReaders.LoadAsync(queueId, cancellationToken);

    public Task<IReadOnlyList<string>> ListQueueIdsAsync(CancellationToken cancellationToken = default) =>
        ReadStringsAsync("SELECT queue_id FROM spool_message ORDER BY queue_id", cancellationToken);

    public async Task<IReadOnlyList<SpooledEntry>> LoadQueueEntriesAsync(string queueKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT r.queue_id, r.recipient, COALESCE(r.original_recipient, r.recipient), m.sender, m.received_at, m.size
            FROM spool_recipient r JOIN spool_message m ON m.queue_id = r.queue_id
            WHERE r.queue_key = $key ORDER BY m.received_at, r.queue_id, r.ordinal
            """;
        cmd.Parameters.AddWithValue("$key", queueKey);
        var entries = new List<SpooledEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(new SpooledEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetInt64(5)));
        return entries;
    }

    public Task<IReadOnlyList<string>> ListQueueKeysAsync(CancellationToken cancellationToken = default) =>
        ReadStringsAsync("SELECT DISTINCT queue_key FROM spool_recipient WHERE queue_key IS NOT NULL ORDER BY queue_key", cancellationToken);

    /// <summary>The first column of every row of a parameterless query.</summary>
    private async Task<IReadOnlyList<string>> ReadStringsAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        var values = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) values.Add(reader.GetString(0));
        return values;
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var pragmas = connection.CreateCommand();
        // WAL sticks to the file; synchronous is per connection and FULL makes every commit fsync the WAL.
        pragmas.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout={(int)_options.BusyTimeout.TotalMilliseconds};";
        await pragmas.ExecuteNonQueryAsync(ct);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writer;
        _stopping.Cancel();
        await _checkpointer;
        await CloseWriteConnectionAsync();
        await _bodyReaders.DisposeAsync();
    }

    private async Task CloseWriteConnectionAsync()
    {
        if (_statements is not null) await _statements.DisposeAsync();
        _statements = null;
        if (_writeConnection is not null) await _writeConnection.DisposeAsync();
        _writeConnection = null;
    }
}
