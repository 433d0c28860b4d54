using System.Text.RegularExpressions;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// HOCON's <c>include</c> for config files. Akka's parser (1.5.73) knows only <c>include "x"</c>, through a callback,
/// and then fails on the included file's optional substitutions, so includes are spliced here before parsing:
/// <c>include "f"</c>, <c>include file("f")</c> and <c>include required("f")</c> / <c>include required(file("f"))</c>, each
/// on its own line, the path relative to the including file. A missing file is skipped with a warning, as HOCON says,
/// unless it is required. Each file gets its own syntax check and environment substitution, so problems name the file
/// and the line they are on. Substitutions of config paths in an included file are read from the whole config's root.
/// </summary>
public static partial class ConfigIncludes
{
    private const int MaxDepth = 16;

    [GeneratedRegex("""^\s*include\s+(?:(?<req>required)\(\s*(?:file\(\s*"(?<p>[^"]*)"\s*\)|"(?<p>[^"]*)")\s*\)|file\(\s*"(?<p>[^"]*)"\s*\)|"(?<p>[^"]*)")\s*(?:(?:#|//).*)?$""")]
    private static partial Regex IncludeLine();

    [GeneratedRegex("""^\s*include\s+(?:required\(\s*)?(?:url|classpath)\(""")]
    private static partial Regex UnsupportedInclude();

    [GeneratedRegex("""^\s*include\s+["a-z(]""")]
    private static partial Regex AnyInclude();

    /// <summary>True when the line is an include statement (read or not): a request body may not name files.</summary>
    public static bool IsInclude(string line) => AnyInclude().IsMatch(line);

    /// <summary>The file's text with its includes spliced in, checked and environment-substituted file by file.</summary>
    public static string Expand(string path, List<ConfigProblem> problems) => Expand(Path.GetFullPath(path), path, [], problems);

    private static string Expand(string fullPath, string shownPath, List<string> including, List<ConfigProblem> problems)
    {
        var lines = File.ReadAllText(fullPath).Split('\n');
        var spliced = new Dictionary<int, string>();
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd('\r');
            if (!AnyInclude().IsMatch(line)) continue;
            var where = $"{shownPath}:{n + 1}";
            lines[n] = "";
            var include = IncludeLine().Match(line);
            if (!include.Success)
            {
                problems.Add(new ConfigProblem(ProblemSeverity.Error, where, UnsupportedInclude().IsMatch(line)
                    ? "only files can be included (include \"f\", file(\"f\"), required(\"f\")), not url() or classpath()"
                    : "cannot read this include; write include \"file.conf\" or include required(\"file.conf\") on its own line"));
                continue;
            }
            var target = include.Groups["p"].Value;
            var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(fullPath)!, target));
            if (including.Contains(full) || full == fullPath)
                problems.Add(new ConfigProblem(ProblemSeverity.Error, where, $"include \"{target}\" includes itself (through {string.Join(" -> ", including.Append(fullPath).Select(Path.GetFileName))})"));
            else if (including.Count >= MaxDepth)
                problems.Add(new ConfigProblem(ProblemSeverity.Error, where, $"includes nested deeper than {MaxDepth} files"));
            else if (!File.Exists(full))
                problems.Add(new ConfigProblem(include.Groups["req"].Success ? ProblemSeverity.Error : ProblemSeverity.Warning, where,
                    include.Groups["req"].Success ? $"required include {full} does not exist"
                        : $"include {full} does not exist and is skipped (write include required(\"{target}\") to make that an error)"));
            else
                spliced[n] = Expand(full, Path.GetRelativePath(Environment.CurrentDirectory, full), [.. including, fullPath], problems);
        }
        var own = string.Join("\n", lines);
        problems.AddRange(HoconSyntaxCheck.Find(own, shownPath));
        var substituted = SubstituteOrReport(own, shownPath, problems).Split('\n');
        // Substitution keeps one line per line (a dropped assignment becomes an empty line), so the indexes still hold.
        foreach (var (n, text) in spliced) substituted[n] = text;
        return string.Join("\n", substituted);
    }

    private static string SubstituteOrReport(string hocon, string source, List<ConfigProblem> problems)
    {
        try { return EnvironmentSubstitution.Apply(hocon, source); }
        catch (ConfigValidationException ex)
        {
            problems.AddRange(ex.Problems);
            return hocon;
        }
    }
}
