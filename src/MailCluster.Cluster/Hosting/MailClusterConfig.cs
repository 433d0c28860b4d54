using Akka.Configuration;

namespace MailCluster.Cluster.Hosting;

/// <summary>Loads the embedded reference.conf and layers user files over it.</summary>
public static class MailClusterConfig
{
    private static readonly Lazy<Config> LazyReference = new(() =>
    {
        using var stream = typeof(MailClusterConfig).Assembly.GetManifestResourceStream("MailCluster.reference.conf")
            ?? throw new InvalidOperationException("embedded reference.conf is missing");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    public static Config Reference => LazyReference.Value;

    /// <summary>Parses HOCON text; a syntax error becomes a <see cref="ConfigValidationException"/> naming the source.</summary>
    public static Config Parse(string hocon, string source)
    {
        var syntax = HoconSyntaxCheck.Find(hocon, source);
        if (syntax.Count > 0) throw new ConfigValidationException(syntax);
        var substituted = EnvironmentSubstitution.Apply(hocon, source);
        // Akka's parser (1.5.73) never returns on some inputs, e.g. "a = [ :0 ]" (found by fuzzing). HoconSyntaxCheck
        // refuses the ones known; for any other, a bounded time on its own thread still ends in the exit-78 list.
        var parsing = Task.Factory.StartNew(() => ConfigurationFactory.ParseString(substituted), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            if (parsing.Wait(ParseTimeout)) return parsing.Result;
        }
        catch (AggregateException ex) when (ex.InnerException is { } inner)
        {
            throw new ConfigValidationException([new ConfigProblem(ProblemSeverity.Error, source, $"HOCON syntax error: {inner.Message}")]);
        }
        throw new ConfigValidationException([new ConfigProblem(ProblemSeverity.Error, source,
            $"HOCON syntax error: the parser did not finish within {ParseTimeout.TotalSeconds:0} s (look for an unquoted ':' or '=' inside a list)")]);
    }

    private static readonly TimeSpan ParseTimeout = TimeSpan.FromSeconds(5);

    public static Config ParseFile(string path)
    {
        if (!File.Exists(path))
            throw new ConfigValidationException([new ConfigProblem(ProblemSeverity.Error, path, "config file does not exist")]);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>The user layer over the reference; the user layer alone is what unknown-key checks look at.</summary>
    public static Config Layer(Config userLayer) => userLayer.WithFallback(Reference);
}
