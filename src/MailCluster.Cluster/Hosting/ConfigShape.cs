using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// Where reference.conf has a block ({ ... }), the config must have a block too. The loaders walk blocks with
/// GetConfig(...).Root.GetObject(), which throws on "smtp.listeners = 1"; this check runs first and turns that into
/// a problem under the path, so a broken file still gets the exit-78 list and not a stack trace (found by fuzzing).
/// A block whose entries are all blocks (smtp.listeners) is a map of user-named blocks: each entry must be a block,
/// checked against the reference's own entry (listeners.mx).
/// </summary>
public static class ConfigShape
{
    public static List<ConfigProblem> Find(Config config)
    {
        var problems = new List<ConfigProblem>();
        var reference = MailClusterConfig.Reference.Root;
        var actual = config.Root;
        if (reference.IsObject() && actual is not null && actual.IsObject()) Walk(reference.GetObject(), actual.GetObject(), "", problems);
        return problems;
    }

    private static void Walk(HoconObject reference, HoconObject actual, string prefix, List<ConfigProblem> problems)
    {
        // Not at the root: its only entry is the mailcluster block, which is no template for akka { } or anything else.
        var template = prefix.Length > 0 && reference.Items.Count > 0 && reference.Items.Values.All(v => v.IsObject())
            ? reference.Items.Values.First()
            : null;
        foreach (var (key, value) in actual.Items)
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            var expected = reference.Items.TryGetValue(key, out var known) ? known : template;
            if (expected is null || !expected.IsObject()) continue;
            if (!value.IsObject())
            {
                problems.Add(new ConfigProblem(ProblemSeverity.Error, path, $"expected a block {{ ... }}, got '{Raw(value)}'"));
                continue;
            }
            Walk(expected.GetObject(), value.GetObject(), path, problems);
        }
    }

    private static string Raw(HoconValue value)
    {
        try { return value.ToString(); }
        catch (Exception) { return "?"; }
    }
}
