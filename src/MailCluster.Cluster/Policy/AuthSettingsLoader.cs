using MailCluster.Cluster.Hosting;
using MailCluster.Core.Auth;

namespace MailCluster.Cluster.Policy;

/// <summary>Reads mailcluster.auth.lockout and mailcluster.auth.password-checks.</summary>
public static class AuthSettingsLoader
{
    public static AuthLockoutSettings ReadLockout(ConfigReader root)
    {
        var l = root.Sub("auth.lockout");
        var defaults = AuthLockoutSettings.Default;
        return new AuthLockoutSettings(
            FailureCount(l, "max-failures-per-ip", defaults.MaxFailuresPerIp),
            FailureCount(l, "max-failures-per-login", defaults.MaxFailuresPerLogin),
            l.PositiveDuration("window", defaults.Window),
            l.PositiveDuration("duration", defaults.Duration));
    }

    public static PasswordCheckLimits ReadPasswordChecks(ConfigReader root)
    {
        var p = root.Sub("auth.password-checks");
        var maxConcurrent = p.Int("max-concurrent", 0);
        if (maxConcurrent < 0) p.Error("max-concurrent", $"must be 0 (half the cores, at least 1) or a positive number, got {maxConcurrent}");
        var maxWaiting = p.Int("max-waiting", 32);
        if (maxWaiting < 0) p.Error("max-waiting", $"must be 0 (no waiting) or a positive number, got {maxWaiting}");
        return new PasswordCheckLimits(maxConcurrent > 0 ? maxConcurrent : PasswordCheckGate.DefaultConcurrency, Math.Max(0, maxWaiting),
            p.PositiveDuration("max-wait", TimeSpan.FromSeconds(2)));
    }

    private static int FailureCount(ConfigReader section, string key, int fallback)
    {
        var value = section.Int(key, fallback);
        if (value >= 0) return value;
        section.Error(key, $"must be 0 (no lockout) or a positive number of failures, got {value}");
        return fallback;
    }
}
