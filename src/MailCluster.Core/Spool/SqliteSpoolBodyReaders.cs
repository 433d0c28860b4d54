using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace MailCluster.Core.Spool;

/// <summary>
/// Connections kept open for reading a message back for delivery, each with its two statements prepared once. Every
/// delivery reads its message; opening a pooled connection, setting its pragmas and compiling both queries each time
/// cost more than the reads themselves. A reader that fails is closed, not returned.
/// </summary>
internal sealed class SqliteSpoolBodyReaders(Func<CancellationToken, Task<SqliteConnection>> open) : IAsyncDisposable
{
    /// <summary>More than the usual number of concurrent deliveries on a 2-core node; beyond it readers are closed after use.</summary>
    private const int Kept = 8;
    private readonly ConcurrentBag<Reader> _idle = [];

    public async Task<SpooledMessage?> LoadAsync(string queueId, CancellationToken ct)
    {
        var reader = _idle.TryTake(out var idle) ? idle : new Reader(await open(ct));
        try
        {
            var message = await reader.LoadAsync(queueId, ct);
            if (_idle.Count < Kept) _idle.Add(reader);
            else await reader.DisposeAsync();
            return message;
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var reader)) await reader.DisposeAsync();
    }

    private sealed class Reader : IAsyncDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _message;
        private readonly SqliteCommand _recipients;

        public Reader(SqliteConnection connection)
        {
            _connection = connection;
            _message = connection.CreateCommand();
            _message.CommandText = "SELECT sender, client_ip, helo_name, received_at, content FROM spool_message WHERE queue_id = $id";
            _message.Parameters.Add("$id", SqliteType.Text);
            _recipients = connection.CreateCommand();
            _recipients.CommandText = "SELECT recipient FROM spool_recipient WHERE queue_id = $id ORDER BY ordinal";
            _recipients.Parameters.Add("$id", SqliteType.Text);
        }

        public async Task<SpooledMessage?> LoadAsync(string queueId, CancellationToken ct)
        {
            _message.Parameters[0].Value = queueId;
            string sender, ip, helo;
            DateTimeOffset at;
            byte[] content;
            await using (var reader = await _message.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct)) return null;
                (sender, ip, helo) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                at = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3));
                content = (byte[])reader.GetValue(4);
            }
            _recipients.Parameters[0].Value = queueId;
            var recipients = new List<string>();
            await using (var rows = await _recipients.ExecuteReaderAsync(ct))
                while (await rows.ReadAsync(ct)) recipients.Add(rows.GetString(0));
            return new SpooledMessage(queueId, sender, recipients, ip, helo, at, content);
        }

        public async ValueTask DisposeAsync()
        {
            await _message.DisposeAsync();
            await _recipients.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}
