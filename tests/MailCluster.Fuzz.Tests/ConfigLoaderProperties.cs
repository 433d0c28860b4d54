using Akka.Configuration;
using CsCheck;
using MailCluster.Cluster.Hosting;

namespace MailCluster.Fuzz.Tests;

/// <summary>
/// A broken config must stop the node with every problem named by its HOCON path (exit 78), never with a stack
/// trace. Random and mutated configs are fed through the same two steps the node runs at startup: parse, then load.
/// </summary>
public sealed class ConfigLoaderProperties
{
    private const string Source = "fuzz.conf";

    /// <summary>Every leaf key of reference.conf, plus keys the loaders read from maps (listeners, transports) and typos.</summary>
    private static readonly string[] Keys = MailClusterConfig.Reference.AsEnumerable()
        .Select(kv => kv.Key)
        .Where(k => k.StartsWith("mailcluster.", StringComparison.Ordinal))
        .Concat([
            "mailcluster.smtp.listeners.mx.endpoint", "mailcluster.smtp.listeners.sub.endpoint", "mailcluster.smtp.listeners.sub.auth",
            "mailcluster.smtp.listeners.sub.require-auth", "mailcluster.smtp.listeners.sub", "mailcluster.smtp.listeners",
            "mailcluster.routing", "mailcluster.queue", "mailcluster.hostnam", "mailcluster.policy.restrictions",
            "mailcluster", "akka.loglevel", "mailcluster.cluster.seed-nodes", "mailcluster.storage.provider",
        ])
        .Distinct().ToArray();

    private static readonly string[] Values =
    [
        "\"\"", "\"x\"", "\"node.example\"", "-1", "0", "1", "65536", "99999999999999999999", "1.5", "-0.5", "1e309",
        "10s", "-5s", "0ms", "100000000d", "3 fortnights", "5 MiB", "-1 MiB", "1 PiB", "10 XB", "on", "off", "yes", "null",
        "[]", "[\"a\", 1]", "[[]]", "[{}]", "{}", "{ a = 1 }", "{ endpoint = \"127.0.0.1:0\" }", "\"127.0.0.1:0\"",
        "\"[::1]:99999\"", "\"300.1.1.1:25\"", "\":25\"", "\"host:port\"", "\"postgresql\"", "\"sqlite\"", "\"nosuch\"",
        "\"akka.tcp://mailcluster@127.0.0.1:1\"", "\"0.0.0.0/33\"", "\"10.0.0.0/8\"", "${?MAILCLUSTER_FUZZ_SURELY_UNSET}",
        "${MAILCLUSTER_FUZZ_SURELY_UNSET}", "${mailcluster.hostname}", "${no.such.path}", "\"\\u0000\"", "\"é日本\"",
        "\"" + new string('a', 300) + "\"", "\"unterminated", "[", "{", "}", "=", "\"a\" \"b\"", "1 2 3",
    ];

    private static readonly Gen<string> RandomConfig =
        Gen.Select(Gen.OneOf(Keys), Gen.OneOf(Values), Gen.OneOf(" = ", ": ", " ", " += ", "="))
           .Select((k, v, sep) => k + sep + v)
           .Array[0, 12]
           .Select(lines => string.Join("\n", lines));

    /// <summary>A working config, then octets deleted, duplicated or replaced: the typos a human makes.</summary>
    private const string ValidConfig = """
        mailcluster {
          hostname = "mx.example"
          data-dir = "/tmp/mailcluster-fuzz-never-created"
          local-domains = ["example.org", "example.net"]
          smtp.listeners.mx { endpoint = "127.0.0.1:2525" }
          smtp.limits { max-recipients = 50, max-message-size = 10 MiB }
          policy.mynetworks = ["127.0.0.0/8", "::1/128"]
          queue.retry { minimum-backoff = 5m, maximum-backoff = 1h }
          storage.provider = sqlite
        }
        """;

    private static readonly Gen<string> MutatedConfig =
        Gen.Select(Gen.Int[0, ValidConfig.Length], Gen.Int[0, 8], Gen.Char["{}[]\"=:,.#/\\$?\n 0aZ"], Gen.Int[0, 2])
           .Array[1, 6]
           .Select(edits =>
           {
               var text = ValidConfig;
               foreach (var (at, length, c, kind) in edits)
               {
                   var i = Math.Min(at, text.Length);
                   var n = Math.Min(length, text.Length - i);
                   text = kind switch
                   {
                       0 => text.Remove(i, n),
                       1 => text.Insert(i, text.Substring(i, n)),
                       _ => text.Remove(i, n).Insert(i, new string(c, Math.Max(1, n))),
                   };
               }
               return text;
           });

    [Fact]
    public void Random_configs_give_path_keyed_problems_never_exceptions() =>
        RandomConfig.Sample(ParseAndLoadWithin, iter: FuzzRuns.Iter(1_500), time: FuzzRuns.Time);

    /// <summary>
    /// Akka's HOCON parser (1.5.73) never returns on some mangled lists ('["a"? "b"]' and others); MailClusterConfig
    /// gives it 5 s and then reports a syntax error, so such a case costs seconds here (and leaves the parser's thread
    /// spinning until the test process ends). Fewer iterations in CI for that reason; the long run takes them all.
    /// </summary>
    [Fact]
    public void Mutated_configs_give_path_keyed_problems_never_exceptions_or_hangs() =>
        MutatedConfig.Sample(ParseAndLoadWithin, iter: FuzzRuns.Iter(300), time: FuzzRuns.Time);

    private static void ParseAndLoadWithin(string hocon)
    {
        // A hang is a failure too: the node would never reach its exit-78 list.
        var run = Task.Run(() => ParseAndLoad(hocon));
        if (!run.Wait(TimeSpan.FromSeconds(15))) throw new TimeoutException("parse and load did not finish within 15 s");
        run.GetAwaiter().GetResult();
    }

    private static void ParseAndLoad(string hocon)
    {
        {
            Config user;
            try
            {
                user = MailClusterConfig.Parse(hocon, Source);
            }
            catch (ConfigValidationException ex)
            {
                AssertKeyed(ex.Problems, hocon);
                Assert.Contains(ex.Problems, p => p.Severity == ProblemSeverity.Error);
                return;
            }
            var (settings, problems) = NodeSettingsLoader.TryLoad(MailClusterConfig.Layer(user), user);
            AssertKeyed(problems, hocon);
            if (settings is null) Assert.Contains(problems, p => p.Severity == ProblemSeverity.Error);
            else Assert.DoesNotContain(problems, p => p.Severity == ProblemSeverity.Error);
        }
    }

    /// <summary>
    /// Keyed by a MailCluster or Akka path, by the file, or (an unknown top-level key such as "mailclustr") by a root the
    /// fuzzed text itself wrote (Akka may join words across a line break into one key: "mailcluster \nmailcluster"; after
    /// 'a += ${?unset}' it may take the next line's quoted value for a key, so the text counts with its escapes read too).
    /// </summary>
    private static void AssertKeyed(IEnumerable<ConfigProblem> problems, string hocon)
    {
        var unescaped = Unescaped(hocon);
        foreach (var p in problems)
        {
            var root = p.Path.Split('.')[0].Trim('"');
            var written = root.Trim().Length > 0 && root.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .All(w => hocon.Contains(w, StringComparison.Ordinal) || unescaped.Contains(w, StringComparison.Ordinal));
            Assert.True(p.Path.StartsWith("mailcluster", StringComparison.Ordinal) || p.Path.StartsWith("akka", StringComparison.Ordinal)
                        || p.Path.StartsWith(Source, StringComparison.Ordinal) || written,
                $"problem not keyed by a HOCON path or the file: {p}");
            Assert.False(string.IsNullOrWhiteSpace(p.Reason), $"problem without a reason: {p}");
        }
    }

    /// <summary>The text with HOCON's JSON-style string escapes (\u0000, \n, \") read, as the parser reads them.</summary>
    private static string Unescaped(string hocon) =>
        System.Text.RegularExpressions.Regex.Replace(hocon, @"\\u([0-9a-fA-F]{4})|\\([""\\/bfnrt])", m => m.Groups[1].Success
            ? ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString()
            : m.Groups[2].Value switch { "b" => "\b", "f" => "\f", "n" => "\n", "r" => "\r", "t" => "\t", var c => c });
}
