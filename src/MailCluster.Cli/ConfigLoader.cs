using Akka.Configuration;
using MailCluster.Cluster.Hosting;

namespace MailCluster.Cli;

/// <summary>Loads a config file exactly as the node does: HOCON checks, reference.conf layering, full validation.</summary>
public static class ConfigLoader
{
    public sealed record Result(NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems)
    {
        public bool HasErrors => Problems.Any(p => p.Severity == ProblemSeverity.Error);
    }

    public static Result Load(IReadOnlyList<string> files)
    {
        Config user;
        IReadOnlyList<ConfigProblem> warnings;
        try
        {
            (user, warnings) = MailClusterConfig.ParseFiles(files);
        }
        catch (ConfigValidationException ex)
        {
            return new(null, ex.Problems);
        }
        var (settings, problems) = NodeSettingsLoader.TryLoad(MailClusterConfig.Layer(user), user);
        return new(settings, [.. warnings, .. problems]);
    }

    public static void Report(Result result, TextWriter writer)
    {
        foreach (var problem in result.Problems) writer.WriteLine(problem);
    }
}
