using System.Globalization;
using System.Text.RegularExpressions;

namespace MailCluster.Protocol.Tests.Metrics;

/// <summary>
/// A strict reader of the Prometheus text format (0.0.4), enough to check /metrics: every sample line is
/// <c>name{labels} value</c>, and every sample belongs to a family with both # HELP and # TYPE.
/// </summary>
internal static partial class PrometheusText
{
    public sealed record Sample(string Name, string Labels, double Value);

    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*)?\})? (\S+)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$")]
    private static partial Regex CommentLine();

    public static IReadOnlyList<Sample> Parse(string text)
    {
        var help = new HashSet<string>();
        var types = new Dictionary<string, string>();
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith('#'))
            {
                var c = CommentLine().Match(line);
                Assert.True(c.Success, $"malformed comment line: {line}");
                if (c.Groups[1].Value == "HELP") help.Add(c.Groups[2].Value);
                else
                {
                    Assert.Contains(c.Groups[3].Value, new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                    types[c.Groups[2].Value] = c.Groups[3].Value;
                }
                continue;
            }
            var m = SampleLine().Match(line);
            Assert.True(m.Success, $"not 'name{{labels}} value': {line}");
            var raw = m.Groups[3].Value;
            var value = raw switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(m.Groups[1].Value, m.Groups[2].Value.Trim('{', '}'), value));
        }
        foreach (var sample in samples)
        {
            var family = FamilyOf(sample.Name, types);
            Assert.True(family is not null, $"sample {sample.Name} has no # TYPE");
            Assert.True(help.Contains(family!), $"family {family} has no # HELP");
        }
        return samples;
    }

    /// <summary>The family a sample belongs to: its own name, or a histogram's name for _bucket/_sum/_count.</summary>
    private static string? FamilyOf(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name)) return name;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            if (name.EndsWith(suffix) && types.GetValueOrDefault(name[..^suffix.Length]) is "histogram" or "summary")
                return name[..^suffix.Length];
        return null;
    }

    public static double? Value(IEnumerable<Sample> samples, string name, string labels = "") =>
        samples.FirstOrDefault(s => s.Name == name && s.Labels == labels)?.Value;
}
