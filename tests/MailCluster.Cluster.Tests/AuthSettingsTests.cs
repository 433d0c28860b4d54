using MailCluster.Cluster.Hosting;
using MailCluster.Core.Auth;

namespace MailCluster.Cluster.Tests;

/// <summary>mailcluster.auth.lockout and mailcluster.auth.password-checks: defaults, overrides, path-keyed errors.</summary>
public sealed class AuthSettingsTests
{
    private static (NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Load(string hocon) => SettingsUnderTest.Load(hocon);

    [Fact]
    public void The_defaults_lock_out_after_ten_failures_and_bound_hashes_to_half_the_cores()
    {
        var (settings, problems) = Load("");
        Assert.Empty(problems);
        Assert.Equal(new AuthLockoutSettings(10, 10, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15)), settings!.Policy.AuthLockout);
        Assert.Equal(new PasswordCheckLimits(Math.Max(1, Environment.ProcessorCount / 2), 32, TimeSpan.FromSeconds(2)), settings.PasswordChecks);
    }

    [Fact]
    public void Overrides_are_read()
    {
        var (settings, problems) = Load("""
            mailcluster.auth.lockout { max-failures-per-ip = 0, max-failures-per-login = 5, window = 1m, duration = 30s }
            mailcluster.auth.password-checks { max-concurrent = 3, max-waiting = 0, max-wait = 500ms }
            """);
        Assert.Empty(problems);
        Assert.Equal(new AuthLockoutSettings(0, 5, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30)), settings!.Policy.AuthLockout);
        Assert.Equal(new PasswordCheckLimits(3, 0, TimeSpan.FromMilliseconds(500)), settings.PasswordChecks);
    }

    [Fact]
    public void Every_bad_value_is_reported_with_its_path()
    {
        var (settings, problems) = Load("""
            mailcluster.auth.lockout { max-failures-per-ip = -1, max-failures-per-login = many, window = 0s, duration = -1m }
            mailcluster.auth.password-checks { max-concurrent = -2, max-waiting = -1, max-wait = 0s }
            mailcluster.auth.lockout.max-failures = 3
            """);
        Assert.Null(settings);
        var paths = problems.Select(p => p.Path).ToHashSet();
        foreach (var key in new[]
                 {
                     "lockout.max-failures-per-ip", "lockout.max-failures-per-login", "lockout.window", "lockout.duration",
                     "password-checks.max-concurrent", "password-checks.max-waiting", "password-checks.max-wait", "lockout.max-failures",
                 })
            Assert.Contains("mailcluster.auth." + key, paths);
    }
}
