namespace MailCluster.Cluster.Hosting;

public enum ProblemSeverity { Error, Warning }

/// <summary>One finding of config validation, keyed by its full HOCON path.</summary>
public sealed record ConfigProblem(ProblemSeverity Severity, string Path, string Reason)
{
    public override string ToString() => $"{(Severity == ProblemSeverity.Error ? "error" : "warning")}: {Path}: {Reason}";
}

/// <summary>Thrown when a configuration has errors; carries every problem found, not just the first.</summary>
public sealed class ConfigValidationException(IReadOnlyList<ConfigProblem> problems)
    : Exception("invalid configuration:\n" + string.Join("\n", problems))
{
    public IReadOnlyList<ConfigProblem> Problems { get; } = problems;
}
