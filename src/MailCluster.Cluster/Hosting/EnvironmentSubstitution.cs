using System.Text.Json;
using System.Text.RegularExpressions;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// Environment overrides for HOCON. Akka's built-in HOCON parser does not read environment variables, and an unset
/// optional substitution clears the key instead of leaving the earlier value (measured on 1.5.73). So, before
/// parsing, substitutions whose name looks like an environment variable (upper case, digits, underscores, e.g.
/// ${?MAILCLUSTER_SMTP_PORT}) are resolved here with standard HOCON meaning:
///   set                       → replaced by the value, as a quoted string;
///   unset and optional (${?}) → an assignment "key = ${?VAR}" is dropped, so the earlier or default value stands;
///   unset and required        → a config error naming the variable.
/// Other substitutions (config paths such as ${mailcluster.data-dir}) are left to the HOCON parser.
/// </summary>
public static partial class EnvironmentSubstitution
{
    [GeneratedRegex(@"\$\{(?<opt>\?)?(?<name>[A-Z_][A-Z0-9_]*)\}")]
    private static partial Regex Substitution();

    [GeneratedRegex(@"^\s*[^=:{}\s]+\s*[=:]\s*\$\{\?(?<name>[A-Z_][A-Z0-9_]*)\}\s*(?:(?:#|//).*)?$")]
    private static partial Regex OptionalAssignment();

    public static string Apply(string hocon, string source, Func<string, string?>? lookup = null)
    {
        lookup ??= Environment.GetEnvironmentVariable;
        var missing = new List<ConfigProblem>();
        var lines = hocon.Split('\n').Select(line =>
        {
            var assignment = OptionalAssignment().Match(line.TrimEnd('\r'));
            if (assignment.Success && lookup(assignment.Groups["name"].Value) is null) return "";
            return Substitution().Replace(line, m =>
            {
                var name = m.Groups["name"].Value;
                var value = lookup(name);
                if (value is not null) return JsonSerializer.Serialize(value);
                if (!m.Groups["opt"].Success)
                    missing.Add(new ConfigProblem(ProblemSeverity.Error, source, $"environment variable {name} is not set (use ${{?{name}}} to make it optional)"));
                return "";
            });
        });
        var result = string.Join('\n', lines);
        if (missing.Count > 0) throw new ConfigValidationException(missing);
        return result;
    }
}
