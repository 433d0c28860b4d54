using MailCluster.Cluster.Hosting;

namespace MailCluster.Cluster.Tests;

/// <summary>
/// What Akka's lenient HOCON parser lets through on its own, and MailCluster refuses: broken structure,
/// value-less keys, and environment substitutions it does not implement.
/// </summary>
public sealed class HoconParsingTests
{
    private static (NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Load(string hocon) => SettingsUnderTest.Load(hocon);

    [Theory]
    [InlineData("mailcluster { smtp { limits { ", "test.conf:1")]
    [InlineData("mailcluster { }\n}", "test.conf:2")]
    [InlineData("mailcluster.local-domains = [ }", "test.conf:1")]
    [InlineData("mailcluster.hostname = ", "test.conf:1")]
    [InlineData("mailcluster { hostname = }", "test.conf:1")]
    [InlineData("mailcluster.hostname = \"unterminated", "test.conf:1")]
    public void Broken_structure_is_an_error_with_the_line(string hocon, string expectedPath)
    {
        var ex = Assert.Throws<ConfigValidationException>(() => MailClusterConfig.Parse(hocon, "test.conf"));
        Assert.Contains(ex.Problems, p => p.Path == expectedPath && p.Reason.StartsWith("HOCON syntax error"));
    }

    [Fact]
    public void Valid_files_with_comments_urls_and_endpoints_pass_the_syntax_check()
    {
        var hocon = """
            # comment with { brace
            mailcluster {
              hostname = "mx.example"   // trailing comment }
              smtp.listeners.mx.endpoint = "[::1]:25"
              smtp.listeners.alt { endpoint = "127.0.0.1:2526", starttls = off }
              local-domains = [ "a.example", "b.example" ]
            }
            """;
        Assert.Empty(HoconSyntaxCheck.Find(hocon, "ok.conf"));
        var (settings, problems) = Load(hocon);
        Assert.Empty(problems);
        Assert.Equal(2, settings!.Listeners.Count);
    }

    [Fact]
    public void A_null_value_means_the_default()
    {
        var (settings, problems) = Load("mailcluster.hostname = null");
        Assert.Empty(problems);
        Assert.False(string.IsNullOrEmpty(settings!.HostName));
    }

    [Fact]
    public void An_unset_optional_environment_variable_keeps_the_default()
    {
        var (settings, problems) = Load("mailcluster.smtp.limits.max-recipients = ${?MAILCLUSTER_TEST_SURELY_UNSET}");
        Assert.Empty(problems);
        Assert.Equal(100, settings!.Listeners[0].Limits.MaxRecipients);
    }

    [Fact]
    public void A_set_environment_variable_overrides()
    {
        Environment.SetEnvironmentVariable("MAILCLUSTER_TEST_MAX_RCPT", "33");
        var (settings, _) = Load("mailcluster.smtp.limits.max-recipients = ${?MAILCLUSTER_TEST_MAX_RCPT}");
        Assert.Equal(33, settings!.Listeners[0].Limits.MaxRecipients);
    }

    [Fact]
    public void An_unset_required_environment_variable_is_an_error_naming_it()
    {
        var ex = Assert.Throws<ConfigValidationException>(() =>
            MailClusterConfig.Parse("mailcluster.hostname = ${MAILCLUSTER_TEST_SURELY_UNSET}", "prod.conf"));
        Assert.Contains("MAILCLUSTER_TEST_SURELY_UNSET", Assert.Single(ex.Problems).Reason);
    }

    [Fact]
    public void Config_path_substitutions_still_work()
    {
        var (settings, problems) = Load("""
            mailcluster.data-dir = "/var/tmp/mc"
            mailcluster.storage.sqlite.path = ${mailcluster.data-dir}"/spool.db"
            """);
        Assert.Empty(problems);
        Assert.Equal("/var/tmp/mc/spool.db", settings!.Storage.SqlitePath);
    }
}
