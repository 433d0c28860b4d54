using System.Text.RegularExpressions;
using MailCluster.Cluster.Hosting;
using MailCluster.Core.Dkim;
using MailCluster.Smtp.Protocol;
using MimeKit.Cryptography;

namespace MailCluster.Cluster.Signing;

/// <summary>Reads mailcluster.dkim: the signing keys (each file loaded now, so a bad key stops the start) and how to sign.</summary>
public static partial class DkimSettingsLoader
{
    public static DkimSigningSettings Load(ConfigReader root)
    {
        var keys = new Dictionary<string, IReadOnlyList<DkimSigningKey>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (rawDomain, value) in root.Map("dkim.keys"))
        {
            var domainPath = $"dkim.keys.\"{rawDomain}\"";
            if (!MailPathParser.TryNormalizeDomain(rawDomain, out var domain)) { root.Error(domainPath, $"'{rawDomain}' is not a domain"); continue; }
            if (!value.IsObject()) { root.Error(domainPath, "a signing domain is an object of selectors: { s2026 { algorithm = rsa-sha256, private-key = \"/path.pem\" } }"); continue; }
            var domainKeys = new List<DkimSigningKey>();
            foreach (var (selector, selectorValue) in root.Map(domainPath))
            {
                var path = $"{domainPath}.\"{selector}\"";
                if (!SelectorSyntax().IsMatch(selector)) { root.Error(path, $"'{selector}' is not a selector (letters, digits, '-', '_' and '.')"); continue; }
                if (!selectorValue.IsObject()) { root.Error(path, "a selector is an object: { algorithm = rsa-sha256, private-key = \"/path.pem\" }"); continue; }
                if (ReadKey(root, path, domain.ToLowerInvariant(), selector) is { } key) domainKeys.Add(key);
            }
            if (domainKeys.Count > 0) keys[domain.ToLowerInvariant()] = domainKeys;
            else if (!root.Problems.Any(p => p.Path.StartsWith(root.Full(domainPath), StringComparison.Ordinal)))
                root.Error(domainPath, "no selectors: give at least one, e.g. s2026 { algorithm = rsa-sha256, private-key = \"/path.pem\" }");
        }

        var signed = ReadHeaderNames(root, "dkim.signed-headers", DkimSigningSettings.DefaultSignedHeaders);
        var oversigned = ReadHeaderNames(root, "dkim.oversigned-headers", DkimSigningSettings.DefaultOversignedHeaders);
        var (header, body) = ReadCanonicalization(root);
        return new DkimSigningSettings(keys, signed, oversigned, header, body, root.NonNegativeDuration("dkim.signature-lifetime", TimeSpan.Zero));
    }

    private static DkimSigningKey? ReadKey(ConfigReader root, string path, string domain, string selector)
    {
        var algorithmText = root.String($"{path}.algorithm", "rsa-sha256");
        if (!DkimAlgorithms.TryParse(algorithmText, out var algorithm))
        {
            root.Error($"{path}.algorithm", $"'{algorithmText}' is not rsa-sha256 or ed25519-sha256");
            return null;
        }
        var file = root.String($"{path}.private-key");
        if (file.Length == 0) { root.Error($"{path}.private-key", "required: the PEM file of this selector's private key"); return null; }
        try
        {
            return new DkimSigningKey(domain, selector, algorithm, DkimKeyFile.Load(file, algorithm), file);
        }
        catch (DkimKeyException ex)
        {
            root.Error($"{path}.private-key", ex.Message);
            return null;
        }
    }

    private static IReadOnlyList<string> ReadHeaderNames(ConfigReader root, string key, IReadOnlyList<string> fallback)
    {
        if (!root.Has(key)) return fallback;
        var names = root.StringList(key);
        foreach (var bad in names.Where(n => !HeaderName().IsMatch(n))) root.Error(key, $"'{bad}' is not a header field name");
        return names;
    }

    private static (DkimCanonicalizationAlgorithm Header, DkimCanonicalizationAlgorithm Body) ReadCanonicalization(ConfigReader root)
    {
        var text = root.String("dkim.canonicalization", "relaxed/relaxed").Trim().ToLowerInvariant();
        var parts = text.Split('/');
        DkimCanonicalizationAlgorithm? Parse(string s) => s switch
        {
            "relaxed" => DkimCanonicalizationAlgorithm.Relaxed,
            "simple" => DkimCanonicalizationAlgorithm.Simple,
            _ => null,
        };
        var header = Parse(parts[0]);
        // RFC 6376 3.5: "c=relaxed" alone means relaxed headers and simple body.
        var body = parts.Length == 1 ? DkimCanonicalizationAlgorithm.Simple : parts.Length == 2 ? Parse(parts[1]) : null;
        if (header is null || body is null)
        {
            root.Error("dkim.canonicalization", $"'{text}' is not header/body with each relaxed or simple, such as relaxed/relaxed");
            return (DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Relaxed);
        }
        return (header.Value, body.Value);
    }

    [GeneratedRegex("^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9_])?$")]
    private static partial Regex SelectorSyntax();

    // RFC 5322 3.6.8: printable US-ASCII except colon.
    [GeneratedRegex("^[\x21-\x39\x3B-\x7E]+$")]
    private static partial Regex HeaderName();
}
