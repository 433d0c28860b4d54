namespace MailCluster.Cluster.Hosting;

/// <summary>
/// Structural checks Akka's HOCON parser does not make: it accepts unclosed braces and unterminated strings, and
/// silently drops everything after a key with no value (measured on 1.5.73). A postmaster's typo must not turn
/// into a silently ignored setting, so unbalanced {} and [], unterminated strings and value-less keys are errors
/// reported with their line number.
/// </summary>
public static class HoconSyntaxCheck
{
    public static IReadOnlyList<ConfigProblem> Find(string hocon, string source)
    {
        var problems = new List<ConfigProblem>();
        var open = new Stack<(char Bracket, int Line)>();
        var lines = hocon.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var lineNo = n + 1;
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (c == '#' || (c == '/' && i + 1 < line.Length && line[i + 1] == '/')) break;
                if (c == '"')
                {
                    if (line.AsSpan(i).StartsWith("\"\"\""))
                    {
                        (n, i) = SkipTripleQuoted(lines, n, i + 3, problems, source);
                        // Unterminated: the rest of the file is the string. Stop here; rescanning the last line looped forever (found by fuzzing).
                        if (n >= lines.Length) return problems;
                        line = lines[n];
                        continue;
                    }
                    var end = EndOfString(line, i + 1);
                    if (end < 0) { problems.Add(Error(source, lineNo, "unterminated string")); break; }
                    i = end;
                    continue;
                }
                if (c is '{' or '[') open.Push((c, lineNo));
                else if (c is '}' or ']')
                {
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0 || open.Peek().Bracket != expected) problems.Add(Error(source, lineNo, $"unexpected '{c}'"));
                    else open.Pop();
                }
                if (c is '=' or ':' && open.Count > 0 && open.Peek().Bracket == '[' && StartsListElement(line, i))
                {
                    // Akka's parser never returns on these ("[ :0 ]", "[\"a\",:\"b\"]"; found by fuzzing): refuse them first.
                    problems.Add(Error(source, lineNo, $"'{c}' cannot start a list element; quote the value"));
                    break;
                }
                if (c is '=' or ':' && IsMissingValue(line, i, lines, n)) problems.Add(Error(source, lineNo, "key has no value"));
            }
        }
        foreach (var (bracket, line) in open)
            problems.Add(Error(source, line, $"'{bracket}' is never closed"));
        return problems;
    }

    private static ConfigProblem Error(string source, int line, string reason) =>
        new(ProblemSeverity.Error, $"{source}:{line}", $"HOCON syntax error: {reason}");

    private static int EndOfString(string line, int from)
    {
        for (var i = from; i < line.Length; i++)
        {
            if (line[i] == '\\') { i++; continue; }
            if (line[i] == '"') return i;
        }
        return -1;
    }

    private static (int Line, int Index) SkipTripleQuoted(string[] lines, int n, int from, List<ConfigProblem> problems, string source)
    {
        for (var l = n; l < lines.Length; l++)
        {
            var idx = lines[l].IndexOf("\"\"\"", l == n ? from : 0, StringComparison.Ordinal);
            if (idx >= 0) return (l, idx + 2);
        }
        problems.Add(Error(source, n + 1, "unterminated \"\"\" string"));
        return (lines.Length, 0);
    }

    /// <summary>Nothing but blanks between the character at <paramref name="at"/> and the '[', ',' or string before it (or the line start).</summary>
    private static bool StartsListElement(string line, int at)
    {
        var before = line[..at].TrimEnd();
        return before.Length == 0 || before[^1] is '[' or ',' or '"';
    }

    /// <summary>"key =" followed by nothing, a comment or a closing brace, on this line.</summary>
    private static bool IsMissingValue(string line, int at, string[] lines, int n)
    {
        // ':' inside unquoted values (e.g. 127.0.0.1:2525 or IPv6) is not an assignment unless it follows a key directly.
        if (line[at] == ':' && at + 1 < line.Length && line[at + 1] != ' ' && line[at + 1] != '\t') return false;
        var rest = line[(at + 1)..].Trim();
        if (rest.StartsWith('#') || rest.StartsWith("//")) rest = "";
        return rest.Length == 0 || rest[0] is '}' or ']' or ',';
    }
}
