using MailCluster.Cluster.Hosting;
using MailCluster.Cluster.Inbound.Listener;
using MailCluster.Smtp.Transport;

namespace MailCluster.Cluster.Tests;

/// <summary>The slowloris settings: defaults, per-listener overrides, validation by path, and the stress decision.</summary>
public sealed class SlowClientSettingsTests
{
    private static (NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Load(string hocon) => SettingsUnderTest.Load(hocon);

    [Fact]
    public void The_defaults_are_documented_in_reference_conf()
    {
        var (settings, problems) = Load("");
        Assert.Empty(problems);
        var mx = Assert.Single(settings!.Listeners);
        Assert.Equal(TimeSpan.FromMinutes(1), mx.Timeouts.CommandLineDeadline);
        Assert.Equal(TimeSpan.FromSeconds(10), mx.Timeouts.CommandUnderStress);
        Assert.Equal(0.8, mx.StressThreshold);
        Assert.Equal(new DataRateLimit(500, TimeSpan.FromSeconds(60)), mx.MinDataRate);
    }

    [Fact]
    public void A_listener_overrides_them_and_zero_turns_the_data_rate_off()
    {
        var (settings, problems) = Load("""
            mailcluster.smtp.listeners.mx {
              limits { min-data-rate = 0, stress-threshold = 1 }
              timeouts { command-line-deadline = 20s, command-under-stress = 5s }
            }
            """);
        Assert.Empty(problems);
        var mx = Assert.Single(settings!.Listeners);
        Assert.False(mx.MinDataRate.Enabled);
        Assert.Equal(1.0, mx.StressThreshold);
        Assert.Equal(TimeSpan.FromSeconds(20), mx.Timeouts.CommandLineDeadline);
        Assert.Equal(TimeSpan.FromSeconds(5), mx.Timeouts.CommandTimeout(underStress: true));
        Assert.Equal(TimeSpan.FromMinutes(5), mx.Timeouts.CommandTimeout(underStress: false));
    }

    [Fact]
    public void Bad_values_are_reported_with_their_paths()
    {
        var (settings, problems) = Load("""
            mailcluster.smtp.limits { min-data-rate = -1, min-data-rate-grace = 0s, stress-threshold = 1.5 }
            mailcluster.smtp.timeouts { command-line-deadline = 0s, command-under-stress = soon }
            """);
        Assert.Null(settings);
        var paths = problems.Where(p => p.Severity == ProblemSeverity.Error).Select(p => p.Path).ToList();
        Assert.Contains("mailcluster.smtp.limits.min-data-rate", paths);
        Assert.Contains("mailcluster.smtp.limits.min-data-rate-grace", paths);
        Assert.Contains("mailcluster.smtp.limits.stress-threshold", paths);
        Assert.Contains("mailcluster.smtp.timeouts.command-line-deadline", paths);
        Assert.Contains("mailcluster.smtp.timeouts.command-under-stress", paths);
    }

    [Fact]
    public void A_stress_timeout_longer_than_the_normal_one_is_a_warning()
    {
        var (settings, problems) = Load("mailcluster.smtp.timeouts { command = 1m, command-under-stress = 2m }");
        Assert.NotNull(settings);
        var warning = Assert.Single(problems);
        Assert.Equal(ProblemSeverity.Warning, warning.Severity);
        Assert.Equal("mailcluster.smtp.timeouts.command-under-stress", warning.Path);
        Assert.Equal(TimeSpan.FromMinutes(1), settings!.Listeners[0].Timeouts.CommandTimeout(underStress: true));
    }

    [Theory]
    [InlineData(1599, 2000, 0.8, false)]
    [InlineData(1600, 2000, 0.8, true)]
    [InlineData(1, 4, 0.5, false)]
    [InlineData(2, 4, 0.5, true)]
    [InlineData(9, 10, 1.0, false)]
    [InlineData(10, 10, 1.0, true)]
    [InlineData(0, 1, 0.1, false)]
    public void A_listener_is_under_stress_from_the_threshold_on(int active, int max, double threshold, bool stressed) =>
        Assert.Equal(stressed, ListenerLoad.IsStress(active, max, threshold));
}
