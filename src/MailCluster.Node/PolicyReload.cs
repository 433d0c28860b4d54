using MailCluster.Cluster.Hosting;

namespace MailCluster.Node;

/// <summary>SIGHUP: re-read the config files and apply its policy. A bad file is reported and the old policy stays.</summary>
internal static class PolicyReload
{
    public static async Task RunAsync(NodeHost host, IReadOnlyList<string> configFiles)
    {
        try
        {
            var (user, _) = MailClusterConfig.ParseFiles(configFiles);
            await host.ReloadPolicyAsync(MailClusterConfig.Layer(user), user);
            Console.WriteLine($"MailCluster policy reloaded from {(configFiles.Count == 0 ? "reference.conf" : string.Join(" + ", configFiles))}");
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
