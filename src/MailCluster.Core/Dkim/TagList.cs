namespace MailCluster.Core.Dkim;

/// <summary>
/// The tag=value list of RFC 6376 3.2, which DKIM signatures and key records, ARC headers and DMARC records (RFC 7489
/// 6.4) all use: parts separated by ';', names compared as written, a repeated tag or a part without '=' is malformed.
/// </summary>
public sealed class TagList
{
    private readonly List<(string Name, string Value)> _tags;

    private TagList(List<(string Name, string Value)> tags) => _tags = tags;

    public static TagList Empty { get; } = new([]);

    /// <summary>In the order written (DMARC wants v= first).</summary>
    public IReadOnlyList<(string Name, string Value)> Tags => _tags;

    public int Count => _tags.Count;

    public string? this[string name] => _tags.FirstOrDefault(t => t.Name == name).Value;

    public bool Has(string name) => _tags.Any(t => t.Name == name);

    public static bool TryParse(string text, out TagList list, out string error)
    {
        var tags = new List<(string Name, string Value)>();
        list = Empty;
        foreach (var part in text.Split(';'))
        {
            if (part.Trim().Length == 0) continue;
            var eq = part.IndexOf('=');
            if (eq <= 0) { error = $"'{part.Trim()}' is not a tag=value pair"; return false; }
            var name = part[..eq].Trim();
            if (tags.Any(t => t.Name == name)) { error = $"tag {name}= appears twice"; return false; }
            tags.Add((name, part[(eq + 1)..].Trim()));
        }
        list = new TagList(tags);
        error = "";
        return true;
    }

    /// <summary>The list, or <see cref="Empty"/> when malformed.</summary>
    public static TagList ParseOrEmpty(string text) => TryParse(text, out var list, out _) ? list : Empty;
}
