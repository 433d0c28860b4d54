using MailCluster.Cluster.Hosting;

namespace MailCluster.Node;

internal static class ConfigErrors
{
    /// <summary>Exit code for a configuration the node refuses to start with.</summary>
    public const int ExitCode = 78; // EX_CONFIG from sysexits.h, as systemd and Postfix tooling expect

    public static int Report(IReadOnlyList<ConfigProblem> problems)
    {
        Console.Error.WriteLine("MailCluster node not started: the configuration has errors");
        foreach (var problem in problems) Console.Error.WriteLine($"  {problem}");
        return ExitCode;
    }
}
