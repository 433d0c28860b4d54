namespace MailCluster.Core.Spool;

/// <summary>The spool tables on PostgreSQL: the same shape as <see cref="SqliteSpoolSchema"/>.</summary>
internal static class PostgresSpoolSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS spool_message (
            queue_id     text PRIMARY KEY,
            sender       text NOT NULL,
            client_ip    text NOT NULL,
            helo_name    text NOT NULL,
            received_at  bigint NOT NULL,   -- unix milliseconds, as in the SQLite spool
            size         integer NOT NULL,
            content      bytea NOT NULL
        );
        CREATE TABLE IF NOT EXISTS spool_recipient (
            queue_id     text NOT NULL REFERENCES spool_message(queue_id) ON DELETE CASCADE,
            recipient    text NOT NULL,
            ordinal      integer NOT NULL,
            state        text NOT NULL DEFAULT 'queued',
            PRIMARY KEY (queue_id, recipient)
        );
        -- The recipient row is the queue entry (one write per accepted message); older schemas get the columns here.
        ALTER TABLE spool_recipient ADD COLUMN IF NOT EXISTS queue_key text;
        ALTER TABLE spool_recipient ADD COLUMN IF NOT EXISTS original_recipient text;
        CREATE INDEX IF NOT EXISTS spool_recipient_queue_key ON spool_recipient (queue_key);
        -- Not the spool's, but the same database and migration: the cluster's formation lease (one row), renewed by
        -- every Up member; a node forms a new cluster only when it has expired (Cluster/Hosting/Formation).
        CREATE TABLE IF NOT EXISTS mailcluster_formation_lease (
            id           integer PRIMARY KEY CHECK (id = 1),
            holder       text NOT NULL,
            renewed_at   timestamptz NOT NULL
        );
        """;
}
