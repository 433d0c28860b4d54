using Akka.Configuration;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// Finds keys in the user's files that nothing reads: almost always a typo that would otherwise be silently ignored.
/// - Top level: only mailcluster and akka are read; anything else (mailclustr { }) is an error.
/// - mailcluster.*: every key must be in reference.conf (listener names and the user's own map keys are free).
/// - akka.*: Akka has hundreds of keys and plugins add their own, so only the first level below akka must be known
///   (akka.loglevl), and deeper keys are flagged only when they are a near miss of a key Akka defines there.
/// Each error suggests the known key it is closest to.
/// </summary>
public static class UnknownKeys
{
    private static readonly KeyTree Roots = RootsTree();

    private static KeyTree RootsTree()
    {
        var roots = new KeyTree();
        roots.Child("mailcluster");
        roots.Child("akka");
        return roots;
    }

    private static readonly string[] ListenersPath = ["mailcluster", "smtp", "listeners"];

    public static IEnumerable<ConfigProblem> Find(Config userLayer, Config reference)
    {
        var user = KeyTree.Of(userLayer.Root);
        foreach (var (key, node) in user.Children)
        {
            var problems = key switch
            {
                "mailcluster" => FindMailCluster(node, KnownMailCluster(reference)),
                "akka" => FindAkka(node, AkkaReferenceKeys.Tree.Find(["akka"]) ?? new KeyTree()),
                _ when IsEnvironmentName(key) => [],
                _ => [Unknown([key], Roots.ClosestChild(key, Math.Max(2, EditDistance.TypoLimit(key))) is { } s ? [s] : null,
                    "unknown top-level key: only mailcluster { } and akka { } are read, nothing under it takes effect")],
            };
            foreach (var problem in problems) yield return problem;
        }
    }

    /// <summary>
    /// FOO_BAR at top level is an environment variable, not a typo: HOCON implementations that merge the environment
    /// into the config (Lightbend's, Akka.Hosting's) put it there, and it must not stop the node.
    /// </summary>
    private static bool IsEnvironmentName(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_') && !char.IsAsciiDigit(key[0]);

    private static ConfigProblem Unknown(IReadOnlyList<string> path, IReadOnlyList<string>? suggestion, string reason) =>
        new(ProblemSeverity.Error, KeyTree.Path(path),
            suggestion is null ? reason : $"{reason}; did you mean {KeyTree.Path(suggestion)}?");

    // ---- mailcluster.* ----

    private static IEnumerable<ConfigProblem> FindMailCluster(KeyTree user, KeyTree known)
    {
        foreach (var rest in user.Leaves())
        {
            IReadOnlyList<string> path = ["mailcluster", .. rest];
            if (IsFreeForm(path, out var problem)) { if (problem is not null) yield return problem; continue; }
            var (canonical, listener) = CanonicalListenerPath(path);
            if (known.Find(canonical.Skip(1)) is not null) continue; // a value where an object belongs is the loader's type error
            var suggestion = known.Suggest(canonical.Skip(1).ToList()) is { } s ? FromCanonical(["mailcluster", .. s], listener) : null;
            yield return Unknown(path, suggestion, "unknown key (typo?); see reference.conf for the keys MailCluster reads");
        }
    }

    /// <summary>
    /// reference.conf's keys, with the listener template (listeners.mx) extended by what a listener may override:
    /// smtp.limits, smtp.timeouts and four policy switches.
    /// </summary>
    private static KeyTree KnownMailCluster(Config reference)
    {
        var tree = KeyTree.Of(reference.Root).Find(["mailcluster"]) ?? new KeyTree();
        var mx = tree.Child("smtp").Child("listeners").Child("mx");
        mx.Child("limits").Add(reference.GetValue("mailcluster.smtp.limits"));
        mx.Child("timeouts").Add(reference.GetValue("mailcluster.smtp.timeouts"));
        foreach (var key in ListenerPolicyKeys) mx.Child("policy").Child(key).MarkValue();
        return tree;
    }

    private static readonly string[] ListenerPolicyKeys =
        ["recipient-restrictions", "require-auth", "reject-local-sender-spoofing", "enforce-sender-login"];

    /// <summary>Listener names are free: listeners.NAME.x is checked as listeners.mx.x.</summary>
    private static (IReadOnlyList<string> Canonical, string? Listener) CanonicalListenerPath(IReadOnlyList<string> path)
    {
        if (path.Count < 4 || !path.Take(3).SequenceEqual(ListenersPath)) return (path, null);
        return ([.. ListenersPath, "mx", .. path.Skip(4)], path[3]);
    }

    private static IReadOnlyList<string> FromCanonical(IReadOnlyList<string> path, string? listener) =>
        listener is null || path.Count < 4 ? path : [.. path.Take(3), listener, .. path.Skip(4)];

    /// <summary>Maps whose keys are the user's own names (logins, alias addresses, routes, next hops).</summary>
    private static bool IsFreeForm(IReadOnlyList<string> path, out ConfigProblem? problem)
    {
        problem = null;
        if (path.Count < 3) return false;
        var map = $"{path[1]}.{path[2]}";
        switch (map)
        {
            case "local-recipients.aliases" or "routing.transports":
                return true;
            case "auth.users":
                if (path.Count > 3 && (path.Count != 5 || path[4] is not ("password-hash" or "addresses")))
                    problem = new(ProblemSeverity.Error, KeyTree.Path(path), "unknown key; a user has password-hash and addresses");
                return true;
            case "dkim.keys":
                if (path.Count > 3 && (path.Count != 6 || path[5] is not ("algorithm" or "private-key")))
                    problem = new(ProblemSeverity.Error, KeyTree.Path(path),
                        "unknown key; a signing key is keys.\"DOMAIN\".SELECTOR { algorithm, private-key }");
                return true;
            case "queue.destinations":
                var key = string.Join('.', path.Skip(4));
                if (path.Count > 4 && !DestinationKeys.Contains(key))
                    problem = new(ProblemSeverity.Error, KeyTree.Path(path),
                        $"unknown key; a destination may override {string.Join(", ", DestinationKeys)}");
                return true;
            default:
                return false;
        }
    }

    /// <summary>What QueueSettingsLoader reads per destination.</summary>
    private static readonly string[] DestinationKeys =
        ["max-concurrency", "initial-concurrency", "retry.minimum-backoff", "retry.maximum-backoff", "retry.maximum-lifetime", "retry.delay-warning-after",
         "partitions", "rate-limit.messages-per-second", "rate-limit.messages-per-minute", "rate-limit.connections-per-minute"];

    // ---- akka.* ----

    private static IEnumerable<ConfigProblem> FindAkka(KeyTree user, KeyTree known)
    {
        foreach (var rest in user.Leaves())
        {
            if (rest.Count == 0) continue; // akka = {} or akka = something: nothing below to check
            IReadOnlyList<string> path = ["akka", .. rest];
            if (!known.Children.ContainsKey(rest[0]))
            {
                yield return Unknown(path, known.Suggest(rest) is { } s ? ["akka", .. s] : null,
                    $"unknown key: no reference config of Akka defines akka.{rest[0]}");
                continue;
            }
            // Deeper: walk while Akka knows the path; the first unknown segment is an error only if it is a near miss
            // of a sibling Akka defines (akka.cluster.sharding.remember-entitys), since plugins add keys of their own.
            var node = known;
            for (var i = 0; i < rest.Count; i++)
            {
                if (node.Children.TryGetValue(rest[i], out var next)) { node = next; continue; }
                if (node.ClosestChild(rest[i]) is { } near && near != rest[i])
                    yield return Unknown(path, ["akka", .. rest.Take(i), near], "unknown key: a near miss of one Akka defines");
                break;
            }
        }
    }
}
