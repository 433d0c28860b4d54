using System.Globalization;

namespace MailCluster.Core.SenderAuth;

/// <summary>
/// The Public Suffix List (publicsuffix.org) and the organizational domain RFC 7489 3.2 derives from it: the public
/// suffix plus one label (mail.example.co.uk is in example.co.uk). Rules, wildcards (*.ck) and exceptions (!www.ck) as
/// the list's format defines; a name no rule matches has the implicit rule "*" (its last label is the suffix).
/// A snapshot ships with MailCluster (Debian's publicsuffix package, 2023-02); a newer file can be given by path.
/// </summary>
public sealed class PublicSuffixList
{
    private static readonly Lazy<PublicSuffixList> Shipped = new(() =>
    {
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream("MailCluster.Core.SenderAuth.public_suffix_list.dat")
                           ?? throw new InvalidOperationException("the public suffix list resource is missing");
        return Load(stream);
    });

    private readonly HashSet<string> _rules;
    private readonly HashSet<string> _wildcards;
    private readonly HashSet<string> _exceptions;

    private PublicSuffixList(HashSet<string> rules, HashSet<string> wildcards, HashSet<string> exceptions) =>
        (_rules, _wildcards, _exceptions) = (rules, wildcards, exceptions);

    public static PublicSuffixList Default => Shipped.Value;

    public int RuleCount => _rules.Count + _wildcards.Count + _exceptions.Count;

    public static PublicSuffixList Load(Stream stream)
    {
        var (rules, wildcards, exceptions) = (new HashSet<string>(), new HashSet<string>(), new HashSet<string>());
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } raw)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal)) continue;
            line = Ascii(line.Split(' ', '\t')[0]);
            if (line.StartsWith("!", StringComparison.Ordinal)) exceptions.Add(line[1..]);
            else if (line.StartsWith("*.", StringComparison.Ordinal)) wildcards.Add(line[2..]);
            else rules.Add(line);
        }
        if (rules.Count == 0) throw new InvalidDataException("no rules: not a public suffix list");
        return new PublicSuffixList(rules, wildcards, exceptions);
    }

    public static PublicSuffixList LoadFile(string path)
    {
        using var file = File.OpenRead(path);
        return Load(file);
    }

    /// <summary>The public suffix of <paramref name="domain"/> (co.uk for mail.example.co.uk).</summary>
    public string PublicSuffix(string domain)
    {
        var labels = Ascii(domain.TrimEnd('.')).Split('.');
        // The longest matching rule wins; an exception rule beats the wildcard it carves out of.
        for (var i = 0; i < labels.Length; i++)
        {
            var candidate = string.Join('.', labels[i..]);
            if (_exceptions.Contains(candidate)) return string.Join('.', labels[(i + 1)..]);
            if (_rules.Contains(candidate)) return candidate;
            if (i + 1 < labels.Length && _wildcards.Contains(string.Join('.', labels[(i + 1)..]))) return candidate;
        }
        return labels[^1];
    }

    /// <summary>RFC 7489 3.2: the public suffix plus one label; the domain itself when it is a public suffix.</summary>
    public string OrganizationalDomain(string domain)
    {
        var name = Ascii(domain.TrimEnd('.'));
        var suffix = PublicSuffix(name);
        if (name.Length <= suffix.Length) return name;
        var rest = name[..(name.Length - suffix.Length - 1)];
        return $"{rest[(rest.LastIndexOf('.') + 1)..]}.{suffix}";
    }

    /// <summary>Names compare in their A-label form, lower case (the list holds U-labels).</summary>
    private static string Ascii(string name)
    {
        try { return new IdnMapping().GetAscii(name).ToLowerInvariant(); }
        catch (ArgumentException) { return name.ToLowerInvariant(); }
    }
}
