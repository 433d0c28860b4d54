using System.Text.RegularExpressions;
using Akka.Configuration.Hocon;
using MailCluster.Cluster.Hosting;

namespace MailCluster.Cluster.Tests;

/// <summary>
/// Every key of reference.conf, found by walking the parsed file (so a new key is covered the day it is added), set
/// to a value of the wrong type and to an out-of-range value: the loader must answer with an error that names the
/// key's path, never throw and never accept it silently.
/// </summary>
public sealed partial class ReferenceKeysTests
{
    public enum Kind { Int, Number, Bool, Duration, Size, String, List, Map }

    /// <summary>Keys where every string is a valid value, so there is no out-of-range string to try.</summary>
    private static readonly Dictionary<string, string> AnyStringIsValid = new()
    {
        ["mailcluster.data-dir"] = "any directory name; it is created on start",
        ["mailcluster.smtp.tls.certificate-password"] = "a password is any string",
        ["mailcluster.delivery.maildir-root"] = "any directory name; it is created on delivery",
        ["mailcluster.delivery.smtp.helo-name"] = "sent as given; empty means hostname",
        ["mailcluster.storage.sqlite.path"] = "any file name",
        ["mailcluster.storage.sqlite.journal-path"] = "any file name",
        ["mailcluster.storage.postgresql.connection-string"] = "checked by Npgsql when the node connects",
        ["mailcluster.admin.token"] = "a token is any string",
        ["mailcluster.cluster.hostname"] = "any host name or address Akka remoting can bind",
        ["mailcluster.cluster.discovery.kubernetes.namespace"] = "any namespace name; empty means POD_NAMESPACE",
    };

    /// <summary>Out-of-range values where the generic one for the kind does not apply.</summary>
    private static readonly Dictionary<string, string> OutOfRange = new()
    {
        ["mailcluster.cluster.port"] = "70000",
        ["mailcluster.delivery.smtp.port"] = "70000",
        ["mailcluster.cluster.discovery.kubernetes.management-port"] = "70000",
        ["mailcluster.cluster.discovery.kubernetes.pod-label-selector"] = "\"\"",
        ["mailcluster.cluster.discovery.kubernetes.management-bind-hostname"] = "\"\"",
        ["mailcluster.local-recipients.aliases"] = "{ \"not an address\" = [\"a@example.com\"] }",
        ["mailcluster.auth.users"] = "{ \"alice@example.com\" { password-hash = \"plain\" } }",
        ["mailcluster.routing.transports"] = "{ \"example.com\" = \"carrier-pigeon:[x]\" }",
        ["mailcluster.queue.destinations"] = "{ \"example.com\" { max-concurrency = 0 } }",
        ["mailcluster.dkim.keys"] = "{ \"example.com\" { s1 { algorithm = rsa-sha1, private-key = \"/nonexistent.pem\" } } }",
        ["mailcluster.smtp.listeners.mx.policy"] = "{ recipient-restrictions = [permit] }",
    };

    public static IEnumerable<object[]> Keys() => Leaves(MailClusterConfig.Reference.Root, "").Select(l => new object[] { l.Path, l.Kind });

    [Fact]
    public void The_walk_finds_every_section()
    {
        var paths = Keys().Select(k => (string)k[0]).ToList();
        Assert.True(paths.Count > 80, $"only {paths.Count} keys found");
        Assert.Contains("mailcluster.queue.retry.minimum-backoff", paths);
        Assert.Contains("mailcluster.auth.users", paths);
        Assert.All(paths, p => Assert.StartsWith("mailcluster.", p));
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_value_of_the_wrong_type_is_an_error_at_its_path(string path, Kind kind)
    {
        string[] values = kind switch
        {
            Kind.Int => ["lots", "1.5", "99999999999"],
            Kind.Number => ["lots", "[1.5]"],
            Kind.Bool => ["maybe", "[on]"],
            Kind.Duration => ["soon", "[5s]"],
            Kind.Size => ["huge", "[1 MiB]"],
            Kind.String => ["[\"a\", \"b\"]", "{ a = b }"],
            Kind.List => ["{ a = b }", "\"just a string\"", "[[\"nested\"]]"],
            Kind.Map => ["42", "[\"a\"]"],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        // A map's errors are keyed by the entry inside it; every other key's error is at the key itself.
        foreach (var value in values) AssertErrorAt(path, value, exact: kind != Kind.Map);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void An_out_of_range_value_is_an_error_at_its_path(string path, Kind kind)
    {
        if (kind == Kind.Bool) return; // on and off are both valid
        if (kind == Kind.String && AnyStringIsValid.ContainsKey(path)) return;
        var value = OutOfRange.TryGetValue(path, out var special) ? special : kind switch
        {
            Kind.Int => "-1",
            Kind.Number => "-0.5",
            Kind.Duration => "-1s",
            Kind.Size => "0",
            Kind.String => "\"not a valid value!\"",
            Kind.List => "[\"not a valid value!\"]",
            _ => throw new InvalidOperationException($"{path}: add an out-of-range value for this {kind} to OutOfRange"),
        };
        AssertErrorAt(path, value, exact: kind != Kind.Map);
    }

    /// <summary>A timeout of 60 days passed validation and then threw from CancellationTokenSource at run time (30 days works).</summary>
    [Theory]
    [MemberData(nameof(Keys))]
    public void A_timeout_longer_than_a_timer_can_wait_is_an_error_at_its_path(string path, Kind kind)
    {
        if (kind != Kind.Duration || path.StartsWith("mailcluster.queue.retry.", StringComparison.Ordinal)) return; // ages, not waits
        AssertErrorAt(path, "60d", exact: true);
    }

    [Theory]
    [InlineData("mailcluster.queue.retry.maximum-lifetime = 60d")]
    [InlineData("mailcluster.queue.retry { maximum-backoff = 60d, delay-warning-after = 70d, maximum-lifetime = 90d }")]
    [InlineData("mailcluster.smtp.timeouts.command = 30d")]
    public void Retry_ages_may_be_longer_than_a_timer(string hocon)
    {
        var user = MailClusterConfig.Parse(hocon, "test.conf");
        var (settings, problems) = NodeSettingsLoader.TryLoad(MailClusterConfig.Layer(user), user);
        Assert.Empty(problems);
        Assert.NotNull(settings);
    }

    private static void AssertErrorAt(string path, string value, bool exact)
    {
        var hocon = $"{path} = {value}";
        IReadOnlyList<ConfigProblem> problems;
        try
        {
            var user = MailClusterConfig.Parse(hocon, "test.conf");
            (_, problems) = NodeSettingsLoader.TryLoad(MailClusterConfig.Layer(user), user);
        }
        catch (ConfigValidationException ex) { problems = ex.Problems; }
        catch (Exception ex)
        {
            Assert.Fail($"{hocon}: threw {ex.GetType().Name}: {ex.Message}");
            return;
        }
        var errors = problems.Where(p => p.Severity == ProblemSeverity.Error).ToList();
        Assert.True(errors.Any(p => p.Path == path || (!exact && p.Path.StartsWith(path + ".", StringComparison.Ordinal))),
            $"{hocon}: no error at {path}; got [{string.Join("; ", problems)}]");
    }

    private static IEnumerable<(string Path, Kind Kind)> Leaves(HoconValue value, string prefix)
    {
        if (value.IsObject())
        {
            var items = value.GetObject().Items;
            if (items.Count == 0 && prefix.Length > 0) yield return (prefix, Kind.Map);
            foreach (var (key, child) in items)
                foreach (var leaf in Leaves(child, prefix.Length == 0 ? key : $"{prefix}.{key}"))
                    yield return leaf;
            yield break;
        }
        // Akka's IsArray is no help ([] is not an array to it, "x" is): look at the parsed elements.
        if (value.Values.Count > 0 && value.Values.All(e => e.IsArray())) { yield return (prefix, Kind.List); yield break; }
        var text = value.GetString() ?? "";
        yield return (prefix, text switch
        {
            "on" or "off" or "true" or "false" => Kind.Bool,
            _ when int.TryParse(text, out _) => Kind.Int,
            _ when double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) => Kind.Number,
            _ when DurationText().IsMatch(text) => Kind.Duration,
            _ when SizeText().IsMatch(text) => Kind.Size,
            _ => Kind.String,
        });
    }

    [GeneratedRegex(@"^\d+\s*(ms|s|m|h|d)$")]
    private static partial Regex DurationText();

    [GeneratedRegex(@"^\d+\s*(B|KiB|MiB|GiB|kB|MB|GB)$")]
    private static partial Regex SizeText();
}
