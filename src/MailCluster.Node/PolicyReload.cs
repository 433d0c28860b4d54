using MailCluster.Cluster.Hosting;

namespace MailCluster.Node;

/// <summary>SIGHUP: re-read the config file and apply its policy. A bad file is reported and the old policy stays.</summary>
internal static class PolicyReload
{
    public static async Task RunAsync(NodeHost host, string? configFile)
    {
        try
        {
            var user = configFile is null ? Akka.Configuration.Config.Empty : MailClusterConfig.ParseFile(configFile);
            await host.ReloadPolicyAsync(MailClusterConfig.Layer(user), user);
            Console.WriteLine($"MailCluster policy reloaded from {configFile ?? "reference.conf"}");
        }
        catch (ConfigValidationException ex)
        {
            Console.Error.WriteLine("MailCluster policy NOT reloaded; the configuration has errors (the old policy stays):");
            foreach (var problem in ex.Problems) Console.Error.WriteLine($"  {problem}");
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"MailCluster policy NOT reloaded: {ex.Message}");
        }
    }
}
