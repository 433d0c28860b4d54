using Akka.Configuration;
using Akka.Persistence.Sql;
using MailCluster.Cluster.Logging;
using MailCluster.Cluster.Serialization;
using Microsoft.Data.Sqlite;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// The Akka side of a node, derived from mailcluster.* so operators configure one thing: a cluster (of one, by
/// default) with sharding in ddata mode and remember-entities journaled in SQL, and Akka.Persistence.Sql for the
/// queue journal and snapshots. An explicit akka.* key in the user's file still wins over what is derived here.
/// </summary>
public static class AkkaBootstrap
{
    public static Config Build(NodeSettings settings, Config layered)
    {
        var cluster = settings.Cluster;
        // Under the formation lease the node joins from code (Hosting/Formation); seeds here would join at once.
        var seeds = settings.UsesFormationLease ? "" : string.Join(", ", cluster.SeedNodes.Select(s => $"\"{s}\""));
        var storage = settings.Storage;
        var journal = Quote(storage.IsPostgres ? storage.PostgresConnectionString : $"Data Source={storage.JournalPath};Pooling=true");
        var provider = storage.IsPostgres ? "PostgreSQL.15" : "SQLite.MS";
        var autoInit = storage.AutoMigrate ? "on" : "off";
        var logging = settings.Logging ?? LoggingSettings.Default;
        var derived = ConfigurationFactory.ParseString($$"""
            akka {
              actor.provider = cluster
              # Akka's events go to the node's log sink (mailcluster.logging), in the same format as the mail log.
              loggers = ["{{AkkaLogForwarder.TypeName}}"]
              loglevel = {{logging.AkkaLevel}}
              # Before the forwarder starts, Akka prints to stdout in its own format; JSON consumers want JSON only.
              stdout-loglevel = {{(logging.Format == LogFormat.Json ? "OFF" : "WARNING")}}
              # The node stops itself on SIGTERM (drain SMTP first, then CoordinatedShutdown); Akka's own hook would
              # leave the cluster while messages are still being accepted.
              coordinated-shutdown.run-by-clr-shutdown-hook = off
              # Akka's scheduler wheel wakes up every tick, due or not (a Task.Delay, then a thread-pool item): at
              # Akka's 10 ms that was 100 wake-ups a second and ~4.5% of a core on an idle node (docs/BENCHMARKS.md,
              # "Idle node with mail waiting"). A scheduled message now fires up to 100 ms late. Nothing here needs
              # finer: the shortest Akka timers are the cluster's 1 s heartbeat and gossip (failure detection allows a
              # 3 s pause), queue retries are seconds, and SMTP timeouts and tarpits use .NET timers, not this one.
              scheduler.tick-duration = 100ms
              remote.dot-netty.tcp {
                hostname = {{Quote(cluster.Hostname)}}
                port = {{cluster.Port}}
              }
              cluster {
                seed-nodes = [{{seeds}}]
                roles = [{{string.Join(", ", cluster.EffectiveRoles.Select(Quote))}}]
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = {{cluster.DowningStrategy}}
                  stable-after = {{(int)(cluster.StableAfter ?? TimeSpan.FromSeconds(5)).TotalMilliseconds}}ms
                }
                down-removal-margin = {{(int)(cluster.DownRemovalMargin ?? TimeSpan.FromSeconds(2)).TotalMilliseconds}}ms
                sharding {
                  state-store-mode = ddata
                  remember-entities = on
                  # "ddata" here would use LMDB, which crashes on this stack (see docs); the SQL journal works.
                  remember-entities-store = eventsourced
                  distributed-data.durable.keys = []
                  passivate-idle-entity-after = off
                  # Least-shard allocation in its limit-based form: a round (every rebalance-interval, 10 s) may move up
                  # to 30% of the shards, at most 20. Akka's default (threshold 1, 3 at a time) left a cold-started
                  # cluster with most queues on its first node for minutes, and a joining node nearly idle.
                  # A shard reads its remembered queues from the SQL journal before it starts them. Akka's 5 s read
                  # timeout, then a 10 s backoff, made a busy cold start answer 451 (enqueue waited >8 s) while many
                  # shards recovered at once; a slower read is better than a stopped shard.
                  updating-state-timeout = 15s
                  shard-failure-backoff = 3s
                  least-shard-allocation-strategy {
                    rebalance-absolute-limit = 20
                    rebalance-relative-limit = 0.3
                  }
                }
              }
              persistence {
                journal.plugin = "akka.persistence.journal.sql"
                snapshot-store.plugin = "akka.persistence.snapshot-store.sql"
                journal.sql {
                  connection-string = {{journal}}
                  provider-name = "{{provider}}"
                  auto-initialize = {{autoInit}}
                }
                snapshot-store.sql {
                  connection-string = {{journal}}
                  provider-name = "{{provider}}"
                  auto-initialize = {{autoInit}}
                }
              }
            }
            {{MailClusterSerializer.Hocon}}
            """);
        return layered.WithFallback(derived).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>WAL sticks to the file; Akka's SQLite connections then inherit it (synchronous stays FULL, SQLite's default).</summary>
    public static void PrepareJournalFile(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
