namespace MailCluster.Cli;

/// <summary>"config validate FILE...": every problem (errors and warnings) on stdout; 78 if there is an error.</summary>
public static class ConfigValidateCommand
{
    public static int Run(ParsedOptions options, CliConsole console)
    {
        if (options.Positional.Count == 0) throw new UsageException("config validate needs a FILE (several are layered in order)");
        var file = string.Join(" + ", options.Positional);

        var result = ConfigLoader.Load(options.Positional);
        ConfigLoader.Report(result, console.Out);
        if (result.HasErrors)
        {
            var errors = result.Problems.Count(p => p.Severity == Cluster.Hosting.ProblemSeverity.Error);
            console.Out.WriteLine($"{file}: {errors} error(s); the node would not start with this configuration");
            return ExitCodes.Config;
        }
        console.Out.WriteLine($"configuration is valid: {file}");
        return ExitCodes.Ok;
    }
}
