using MailCluster.Cluster.Hosting;
using MailCluster.Cluster.Hosting.Migration;
using MailCluster.Core.Spool;

namespace MailCluster.Node;

/// <summary>`mailcluster-node migrate`: exit 0 when every table exists, 1 (with the database's reason) when not.</summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(Akka.Configuration.Config config, Akka.Configuration.Config userLayer)
    {
        var settings = NodeSettingsLoader.Load(config, userLayer);
        try
        {
            await StorageMigration.RunAsync(settings, config, Console.Out);
            Console.WriteLine("migration complete");
            return 0;
        }
        catch (Exception ex) when (ex is SpoolUnavailableException or TimeoutException or Akka.Persistence.RecoveryTimedOutException
                                       or System.Data.Common.DbException)
        {
            Console.Error.WriteLine($"error: migration failed: {ex.GetBaseException().Message}");
            return 1;
        }
    }
}
