using MailCluster.Cluster.Hosting;

namespace MailCluster.Node;

/// <summary>SIGHUP: re-read the config files and apply their policy, and the TLS certificate file. A bad file is reported and the old policy stays.</summary>
internal static class PolicyReload
{
    public static async Task RunAsync(NodeHost host, IReadOnlyList<string> configFiles)
    {
        // A renewed TLS certificate file (ACME) is read again too; the file watch usually found it already.
        try { host.ReloadCertificate(); }
        catch (Exception ex) { Console.Error.WriteLine($"MailCluster TLS certificate NOT reloaded: {ex.Message}"); }
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
