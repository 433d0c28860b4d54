namespace MailCluster.Core.Spool;

/// <summary>
/// The spool tables. A message row holds the octets; one recipient row per (queue id, recipient) is the entry
/// the delivery queues will own, which is what makes queue entries idempotent.
/// </summary>
internal static class SqliteSpoolSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS spool_message (
            queue_id     TEXT PRIMARY KEY,
            sender       TEXT NOT NULL,
            client_ip    TEXT NOT NULL,
            helo_name    TEXT NOT NULL,
            received_at  INTEGER NOT NULL,   -- unix milliseconds
            size         INTEGER NOT NULL,
            content      BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS spool_recipient (
            queue_id     TEXT NOT NULL REFERENCES spool_message(queue_id) ON DELETE CASCADE,
            recipient    TEXT NOT NULL,
            ordinal      INTEGER NOT NULL,
            state        TEXT NOT NULL DEFAULT 'queued',
            queue_key    TEXT,
            original_recipient TEXT,
            PRIMARY KEY (queue_id, recipient)
        );
        """;

    /// <summary>Added when the recipient row became the queue entry; older files get the columns on open.</summary>
    public static readonly (string Column, string Type)[] AddedRecipientColumns = [("queue_key", "TEXT"), ("original_recipient", "TEXT")];

    public const string CreateIndexes = "CREATE INDEX IF NOT EXISTS spool_recipient_queue_key ON spool_recipient (queue_key);";
}
