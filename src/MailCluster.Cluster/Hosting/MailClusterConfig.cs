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
        try { return ConfigurationFactory.ParseString(substituted); }
        catch (Exception ex)
        {
            throw new ConfigValidationException([new ConfigProblem(ProblemSeverity.Error, source, $"HOCON syntax error: {ex.Message}")]);
        }
    }

    public static Config ParseFile(string path)
    {
        if (!File.Exists(path))
            throw new ConfigValidationException([new ConfigProblem(ProblemSeverity.Error, path, "config file does not exist")]);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>The user layer over the reference; the user layer alone is what unknown-key checks look at.</summary>
    public static Config Layer(Config userLayer) => userLayer.WithFallback(Reference);
}
