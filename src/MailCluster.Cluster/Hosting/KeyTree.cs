using Akka.Configuration.Hocon;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// The keys of a config as a tree of path segments, for "is this key known" and "which known key is it closest to".
/// Segments are kept whole, so quoted keys with dots in them ("sales@example.com") stay one segment.
/// </summary>
public sealed class KeyTree
{
    private readonly Dictionary<string, KeyTree> _children = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, KeyTree> Children => _children;

    /// <summary>True where the config has a value (not an object) at this path.</summary>
    public bool IsValue { get; private set; }

    public static KeyTree Of(HoconValue? root)
    {
        var tree = new KeyTree();
        tree.Add(root);
        return tree;
    }

    public void Add(HoconValue? value)
    {
        if (value is null) return;
        if (!value.IsObject()) { IsValue = true; return; }
        foreach (var (key, child) in value.GetObject().Items) Child(key).Add(child);
    }

    /// <summary>The child node at <paramref name="key"/>, created if missing (to graft known keys onto a tree).</summary>
    public KeyTree Child(string key)
    {
        if (!_children.TryGetValue(key, out var node)) _children[key] = node = new KeyTree();
        return node;
    }

    public void MarkValue() => IsValue = true;

    public KeyTree? Find(IEnumerable<string> segments)
    {
        var node = this;
        foreach (var s in segments)
            if (!node._children.TryGetValue(s, out node)) return null;
        return node;
    }

    /// <summary>Every path to a value or an empty object, as segments.</summary>
    public IEnumerable<IReadOnlyList<string>> Leaves()
    {
        if (IsValue || _children.Count == 0) yield return [];
        foreach (var (key, child) in _children)
            foreach (var rest in child.Leaves())
                yield return [key, .. rest];
    }

    /// <summary>The child whose name is closest to <paramref name="segment"/> within <paramref name="limit"/> edits (default: a likely typo).</summary>
    public string? ClosestChild(string segment, int? limit = null)
    {
        limit ??= EditDistance.TypoLimit(segment);
        if (limit == 0) return null;
        var best = _children.Keys.Select(k => (Key: k, Distance: EditDistance.Between(segment, k)))
            .Where(c => c.Distance <= limit).OrderBy(c => c.Distance).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
        return best.Count == 0 ? null : best[0].Key;
    }

    /// <summary>
    /// The known path <paramref name="segments"/> was probably meant to be: each unknown segment is replaced by its
    /// closest sibling. Null when nothing close is known. When the correction runs out before the end, the corrected
    /// prefix is returned (mailcluster.smtp.limitz.x: "mailcluster.smtp.limits").
    /// </summary>
    public IReadOnlyList<string>? Suggest(IReadOnlyList<string> segments)
    {
        var node = this;
        var corrected = new List<string>();
        var changed = false;
        foreach (var segment in segments)
        {
            if (node._children.TryGetValue(segment, out var next)) { corrected.Add(segment); node = next; continue; }
            // Generous: the key is already unknown, the suggestion is only a hint ("pth" → "path").
            var closest = node.ClosestChild(segment, Math.Max(1, EditDistance.TypoLimit(segment)));
            if (closest is null) break;
            corrected.Add(closest);
            changed = true;
            node = node._children[closest];
        }
        return changed ? corrected : null;
    }

    /// <summary>Joins segments into a HOCON path, quoting the ones that need it.</summary>
    public static string Path(IEnumerable<string> segments) =>
        string.Join('.', segments.Select(s => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? s : $"\"{s}\""));
}

/// <summary>Levenshtein distance, for "did you mean" suggestions.</summary>
public static class EditDistance
{
    public static int Between(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>
    /// How many edits still count as a typo of a name this long: none for very short names (too many near neighbours),
    /// one up to 8 characters, two beyond.
    /// </summary>
    public static int TypoLimit(string name) => name.Length switch { < 4 => 0, <= 8 => 1, _ => 2 };
}
