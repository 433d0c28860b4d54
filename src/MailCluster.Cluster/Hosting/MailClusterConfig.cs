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

    /// <summary>
    /// Parses HOCON text that is not a file (an admin API request); a syntax error becomes a
    /// <see cref="ConfigValidationException"/> naming the source. It may not include files: only config files may.
    /// </summary>
    public static Config Parse(string hocon, string source)
    {
        var syntax = HoconSyntaxCheck.Find(hocon, source).ToList();
        syntax.AddRange(hocon.Split('\n').Select((line, n) => (line, n)).Where(l => ConfigIncludes.IsInclude(l.line))
            .Select(l => new ConfigProblem(ProblemSeverity.Error, $"{source}:{l.n + 1}", "include is only read in config files")));
        if (syntax.Count > 0) throw new ConfigValidationException(syntax);
        return ParseChecked(EnvironmentSubstitution.Apply(hocon, source), source);
    }

    /// <summary>
    /// Config files layered in order, later ones overriding earlier ones (as HOCON merges duplicate keys), with their
    /// includes spliced in. Errors throw <see cref="ConfigValidationException"/>; warnings (an optional include that
    /// is missing) are returned.
    /// </summary>
    public static (Config User, IReadOnlyList<ConfigProblem> Warnings) ParseFiles(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) return (Config.Empty, []);
        var problems = new List<ConfigProblem>();
        var texts = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path)) texts.Add(ConfigIncludes.Expand(path, problems));
            else problems.Add(new ConfigProblem(ProblemSeverity.Error, path, "config file does not exist"));
        }
        if (problems.Any(p => p.Severity == ProblemSeverity.Error)) throw new ConfigValidationException(problems);
        return (ParseChecked(string.Join("\n", texts), string.Join(" + ", paths)), problems);
    }

    public static Config ParseFile(string path) => ParseFiles([path]).User;

    /// <summary>Akka's parse of text already checked and substituted.</summary>
    private static Config ParseChecked(string substituted, string source)
    {
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

    /// <summary>The user layer over the reference; the user layer alone is what unknown-key checks look at.</summary>
    public static Config Layer(Config userLayer) => userLayer.WithFallback(Reference);
}
