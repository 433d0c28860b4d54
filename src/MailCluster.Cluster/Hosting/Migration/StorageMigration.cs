using Akka.Actor;
using Akka.Configuration;
using MailCluster.Core.Spool;

namespace MailCluster.Cluster.Hosting.Migration;

/// <summary>
/// `mailcluster-node migrate`: creates the spool tables and the Akka.Persistence.Sql journal and snapshot tables,
/// then exits. For deployments that run with storage.auto-migrate = off, so schema changes happen once, under the
/// operator's eye, instead of from every node at start. Idempotent: existing tables are left as they are.
/// </summary>
public static class StorageMigration
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(NodeSettings settings, Config layered, TextWriter output)
    {
        var storage = settings.Storage with { AutoMigrate = true };
        await MigrateSpoolAsync(storage);
        output.WriteLine($"spool tables ready ({storage.Provider})");

        if (!storage.IsPostgres) AkkaBootstrap.PrepareJournalFile(storage.JournalPath);
        // A local actor system: migrating must not join (or form) the cluster.
        var akka = ConfigurationFactory.ParseString("akka.actor.provider = local\nakka.loglevel = WARNING")
            .WithFallback(AkkaBootstrap.Build(settings with { Storage = storage }, layered));
        using var system = ActorSystem.Create("mailcluster-migrate", akka);
        try
        {
            var recovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            system.ActorOf(Props.Create(() => new JournalProbeActor(recovered)), "probe");
            await recovered.Task.WaitAsync(Timeout);
            output.WriteLine($"journal and snapshot tables ready ({storage.Provider})");
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task MigrateSpoolAsync(StorageSettings storage)
    {
        // Opening with auto-migrate on creates the tables (SQLite always creates its own).
        await using var spool = await SpoolFactory.OpenAsync(storage);
    }
}
