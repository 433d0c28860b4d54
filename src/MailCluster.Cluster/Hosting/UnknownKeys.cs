using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// Flags keys under mailcluster.* that the reference config does not know: almost always a typo that would
/// otherwise be silently ignored. Listener names are free, so listeners.NAME.x is checked against listeners.mx.x.
/// </summary>
public static class UnknownKeys
{
    private const string ListenerPrefix = "mailcluster.smtp.listeners.";

    public static IEnumerable<ConfigProblem> Find(Config userLayer, Config reference)
    {
        var known = Flatten(reference.Root, "").ToHashSet();
        foreach (var path in Flatten(userLayer.Root, "").Where(p => p.StartsWith("mailcluster.", StringComparison.Ordinal)))
        {
            var canonical = CanonicalListenerPath(path);
            if (known.Contains(canonical)) continue;
            if (IsFreeForm(path, out var userKey))
            {
                if (userKey is null or "password-hash" or "addresses") continue;
                yield return new ConfigProblem(ProblemSeverity.Error, path, "unknown key; a user has password-hash and addresses");
                continue;
            }
            if (canonical.StartsWith(ListenerPrefix, StringComparison.Ordinal) && IsListenerOverride(canonical, known)) continue;
            yield return new ConfigProblem(ProblemSeverity.Error, path, "unknown key (typo?); see reference.conf for the keys MailCluster reads");
        }
    }

    private static string CanonicalListenerPath(string path)
    {
        if (!path.StartsWith(ListenerPrefix, StringComparison.Ordinal)) return path;
        var rest = path[ListenerPrefix.Length..];
        var dot = rest.IndexOf('.');
        return dot < 0 ? path : ListenerPrefix + "mx" + rest[dot..];
    }

    /// <summary>A listener may override any key of smtp.limits, smtp.timeouts and the policy switches.</summary>
    private static bool IsListenerOverride(string canonical, HashSet<string> known)
    {
        // "smtp.listeners.a = 1": a listener that is not a block has no keys to override (found by fuzzing).
        if (!canonical.StartsWith(ListenerPrefix + "mx.", StringComparison.Ordinal)) return false;
        var key = canonical[(ListenerPrefix.Length + "mx.".Length)..];
        if (key.StartsWith("limits.") || key.StartsWith("timeouts.")) return known.Contains("mailcluster.smtp." + key);
        return key.StartsWith("policy.") && ListenerPolicyKeys.Contains(key["policy.".Length..]);
    }

    private static readonly HashSet<string> ListenerPolicyKeys =
        ["recipient-restrictions", "require-auth", "reject-local-sender-spoofing", "enforce-sender-login"];

    /// <summary>Maps whose keys are the user's own names (logins, alias addresses).</summary>
    private static readonly string[] FreeFormMaps =
        ["mailcluster.local-recipients.aliases.", "mailcluster.auth.users.", "mailcluster.routing.transports.", "mailcluster.queue.destinations."];

    private static bool IsFreeForm(string path, out string? knownSuffixCheck)
    {
        knownSuffixCheck = null;
        foreach (var prefix in FreeFormMaps)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (prefix.EndsWith("users.")) knownSuffixCheck = path[(path.LastIndexOf('.') + 1)..];
            return true;
        }
        return false;
    }

    private static IEnumerable<string> Flatten(HoconValue? value, string prefix)
    {
        if (value is null) yield break;
        if (!value.IsObject())
        {
            if (prefix.Length > 0) yield return prefix;
            yield break;
        }
        foreach (var (key, child) in value.GetObject().Items)
            foreach (var path in Flatten(child, prefix.Length == 0 ? key : $"{prefix}.{key}"))
                yield return path;
    }
}
