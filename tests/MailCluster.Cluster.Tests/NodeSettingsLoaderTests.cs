using MailCluster.Cluster.Hosting;

namespace MailCluster.Cluster.Tests;

/// <summary>Config validation: every error keyed by its HOCON path, all reported at once, typos caught.</summary>
public sealed class NodeSettingsLoaderTests
{
    private static (NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Load(string hocon) => SettingsUnderTest.Load(hocon);

    [Fact]
    public void The_reference_config_alone_is_a_valid_single_node()
    {
        var (settings, problems) = Load("");
        Assert.Empty(problems);
        var mx = Assert.Single(settings!.Listeners);
        Assert.Equal("127.0.0.1:2525", mx.Endpoint.ToString());
        Assert.Equal(["localhost"], settings.LocalDomains);
        Assert.Equal(10 * 1024 * 1024, mx.Limits.MaxMessageSize);
        Assert.Equal(100, mx.Limits.MaxRecipients);
        Assert.Equal(TimeSpan.FromMinutes(5), mx.Timeouts.Command);
        Assert.Equal(TimeSpan.FromMinutes(3), mx.Timeouts.Data);
        Assert.EndsWith("mailcluster.db", settings.Storage.SqlitePath);
    }

    [Fact]
    public void Every_bad_value_is_reported_with_its_path()
    {
        var (settings, problems) = Load("""
            mailcluster.smtp.limits.max-recipients = lots
            mailcluster.smtp.timeouts.command = -5s
            mailcluster.smtp.listeners.mx.endpoint = "not-an-endpoint"
            mailcluster.local-domains = ["ok.example", "bad_domain..x"]
            """);
        Assert.Null(settings);
        var paths = problems.Select(p => p.Path).ToList();
        Assert.Contains("mailcluster.smtp.limits.max-recipients", paths);
        Assert.Contains("mailcluster.smtp.timeouts.command", paths);
        Assert.Contains("mailcluster.smtp.listeners.mx.endpoint", paths);
        Assert.Contains("mailcluster.local-domains", paths);
    }

    [Fact]
    public void Unknown_keys_are_flagged_as_typos()
    {
        var (_, problems) = Load("""
            mailcluster.smtp.limts.max-recipients = 5
            mailcluster.smtp.listeners.submission.endpoint = "127.0.0.1:0"
            mailcluster.smtp.listeners.submission.limits.max-recipients = 5
            mailcluster.smtp.listeners.submission.starttls = off
            mailcluster.smtp.listeners.submission.colour = blue
            """);
        var unknown = problems.Where(p => p.Reason.Contains("unknown key")).Select(p => p.Path).ToList();
        Assert.Equal(["mailcluster.smtp.limts.max-recipients", "mailcluster.smtp.listeners.submission.colour"], unknown);
    }

    [Fact]
    public void A_listener_overrides_the_shared_limits_and_inherits_the_rest()
    {
        var (settings, problems) = Load("""
            mailcluster.smtp.limits { max-recipients = 50, max-message-size = 1 MiB }
            mailcluster.smtp.listeners.submission {
              endpoint = "127.0.0.1:0"
              limits.max-recipients = 7
              timeouts.command = 30s
            }
            """);
        Assert.Empty(problems);
        var submission = settings!.Listeners.Single(l => l.Name == "submission");
        var mx = settings.Listeners.Single(l => l.Name == "mx");
        Assert.Equal(7, submission.Limits.MaxRecipients);
        Assert.Equal(1024 * 1024, submission.Limits.MaxMessageSize);
        Assert.Equal(TimeSpan.FromSeconds(30), submission.Timeouts.Command);
        Assert.Equal(50, mx.Limits.MaxRecipients);
    }

    [Fact]
    public void Hard_error_limit_must_exceed_the_soft_limit()
    {
        var (_, problems) = Load("mailcluster.smtp.limits { soft-error-limit = 10, hard-error-limit = 5 }");
        Assert.Contains(problems, p => p.Path == "mailcluster.smtp.limits.hard-error-limit");
    }

    [Theory]
    [InlineData("mailcluster.queue.retry { minimum-backoff = 2h, maximum-backoff = 1h }", "mailcluster.queue.retry.maximum-backoff")]
    [InlineData("mailcluster.queue.retry.minimum-backoff = 2h", "mailcluster.queue.retry.maximum-backoff")]
    [InlineData("mailcluster.queue.destinations { \"example.com\" { retry.minimum-backoff = 2h } }",
        "mailcluster.queue.destinations.\"example.com\".retry.minimum-backoff")]
    [InlineData("mailcluster.queue.destinations { \"example.com\" { retry.maximum-backoff = 1m } }",
        "mailcluster.queue.destinations.\"example.com\".retry.maximum-backoff")]
    public void A_minimum_backoff_above_the_maximum_is_an_error_not_a_crash(string hocon, string path)
    {
        var (settings, problems) = Load(hocon);
        Assert.Null(settings);
        var error = Assert.Single(problems, p => p.Severity == ProblemSeverity.Error);
        Assert.Equal(path, error.Path);
        Assert.Contains("minimum-backoff", error.Reason);
    }

    [Fact]
    public void The_same_login_twice_ignoring_case_is_an_error_not_a_crash()
    {
        const string hash = "pbkdf2-sha256$210000$QtUBOM69WTtbb6tzKqknew==$8PliKogpoexzALYp0I0s0ow4ZpEHp960O9yTjqsmAuI=";
        var (settings, problems) = Load($$"""
            mailcluster.auth.users {
              "alice@example.com" { password-hash = "{{hash}}" }
              "Alice@example.com" { password-hash = "{{hash}}" }
            }
            """);
        Assert.Null(settings);
        Assert.Contains(problems, p => p.Path == "mailcluster.auth.users" && p.Reason.Contains("alice@example.com"));
    }

    [Theory]
    [InlineData("[\"0.0.0.0/0\", \"::/0\"]")]
    [InlineData("[\"127.0.0.0/8\", \"0.0.0.0/1\", \"128.0.0.0/1\"]")]
    [InlineData("[\"::ffff:0:0/96\"]")]
    public void Mynetworks_that_trust_everybody_are_refused_as_an_open_relay(string list)
    {
        var (settings, problems) = Load($"mailcluster.policy.mynetworks = {list}");
        Assert.Null(settings);
        Assert.Contains(problems, p => p.Severity == ProblemSeverity.Error && p.Path == "mailcluster.policy.mynetworks"
                                       && p.Reason.Contains("open relay"));
    }

    [Fact]
    public void Very_wide_mynetworks_load_with_a_warning_at_the_path()
    {
        var (settings, problems) = Load("mailcluster.policy.mynetworks = [\"127.0.0.0/8\", \"64.0.0.0/2\"]");
        Assert.NotNull(settings);
        var warning = Assert.Single(problems);
        Assert.Equal(ProblemSeverity.Warning, warning.Severity);
        Assert.Equal("mailcluster.policy.mynetworks", warning.Path);
        Assert.Contains("64.0.0.0/2", warning.Reason);
    }
}
