using MailCluster.Cluster.Hosting;

namespace MailCluster.Cluster.Tests;

/// <summary>Config validation: every error keyed by its HOCON path, all reported at once, typos caught.</summary>
public sealed class NodeSettingsLoaderTests
{
    private static (NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Load(string hocon)
    {
        var user = MailClusterConfig.Parse(hocon, "test.conf");
        return NodeSettingsLoader.TryLoad(MailClusterConfig.Layer(user), user);
    }

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
}
