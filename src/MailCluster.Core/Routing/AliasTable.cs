namespace MailCluster.Core.Routing;

/// <summary>
/// Alias address → one or more target addresses (like Postfix's virtual_alias_maps, keyed by full address).
/// Lookups are case-insensitive. <see cref="Expand"/> follows aliases recursively:
/// <list type="bullet">
/// <item>A target that is already on the current expansion path is delivered as is instead of being expanded again.
/// That makes the classic "user → user, user-archive" (keep a copy) work and stops a → b → a cycles.</item>
/// <item>More than <see cref="MaxDepth"/> nested levels or <see cref="MaxResults"/> final addresses is an error
/// (<see cref="AliasExpansionException"/>): a table that deep or wide is a mistake, and a bounce says so.</item>
/// <item>An alias reached twice is expanded once. Results are deduplicated case-insensitively, first occurrence wins, order kept.</item>
/// </list>
/// </summary>
public sealed class AliasTable
{
    private readonly Dictionary<string, string[]> _entries = new(StringComparer.OrdinalIgnoreCase);

    public AliasTable(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> entries, int maxDepth = 10, int maxResults = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResults, 1);
        MaxDepth = maxDepth;
        MaxResults = maxResults;
        foreach (var (alias, targets) in entries)
        {
            var key = MailAddress.Normalize(alias);
            var normalized = targets.Select(MailAddress.Normalize).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            if (normalized.Length == 0) throw new ArgumentException($"Alias '{alias}' has no targets.", nameof(entries));
            // Two entries for one alias (e.g. differing only in case) merge, as two lines in an aliases file would.
            _entries[key] = _entries.TryGetValue(key, out var existing)
                ? existing.Concat(normalized).Distinct(StringComparer.OrdinalIgnoreCase).ToArray()
                : normalized;
        }
    }

    public static AliasTable Empty { get; } = new([]);

    public int MaxDepth { get; }
    public int MaxResults { get; }
    public int Count => _entries.Count;

    /// <summary>The direct targets of one alias, without recursion.</summary>
    public bool TryGetTargets(string address, out IReadOnlyList<string> targets)
    {
        var found = _entries.TryGetValue(MailAddress.Normalize(address), out var t);
        targets = t ?? [];
        return found;
    }

    /// <summary>
    /// The final addresses <paramref name="address"/> stands for (itself when it is no alias).
    /// <paramref name="isExpandable"/> limits expansion to some addresses (the router passes "is in a local
    /// domain": aliases belong to the domains we own, a remote target is never looked up again).
    /// </summary>
    public IReadOnlyList<string> Expand(string address, Func<string, bool>? isExpandable = null)
    {
        var results = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var path = new List<string>();
        // An alias reached twice (a diamond: two lists sharing a member list) is expanded once; without this a
        // few shared lists nested a few levels deep cost exponential time for nothing (the results dedupe anyway).
        var expanded = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Walk(MailAddress.Normalize(address), 0);
        return results;

        void Walk(string current, int depth)
        {
            var onPath = path.Contains(current, StringComparer.OrdinalIgnoreCase);
            if (onPath || (isExpandable is not null && !isExpandable(current)) || !_entries.TryGetValue(current, out var targets))
            {
                if (seen.Add(current))
                {
                    if (results.Count >= MaxResults)
                        throw new AliasExpansionException(address, $"Alias '{address}' expands to more than {MaxResults} addresses.");
                    results.Add(current);
                }
                return;
            }
            if (!expanded.Add(current)) return;
            if (depth >= MaxDepth)
                throw new AliasExpansionException(address, $"Alias '{address}' nests deeper than {MaxDepth} levels (alias loop?).");
            path.Add(current);
            foreach (var target in targets) Walk(target, depth + 1);
            path.RemoveAt(path.Count - 1);
        }
    }
}
