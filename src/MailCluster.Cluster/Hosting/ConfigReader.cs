using System.Net;
using Akka.Configuration;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// Typed reads from a HOCON <see cref="Config"/> that never throw: a bad value is recorded as a problem under its
/// full path and a fallback is returned, so one pass reports every error in the file.
/// </summary>
public sealed class ConfigReader(Config config, string basePath, List<ConfigProblem> problems)
{
    public List<ConfigProblem> Problems => problems;

    public ConfigReader Sub(string relative) => new(config, Full(relative), problems);

    public string Full(string relative) => basePath.Length == 0 ? relative : $"{basePath}.{relative}";

    public void Error(string relative, string reason) => problems.Add(new(ProblemSeverity.Error, Full(relative), reason));
    public void Warning(string relative, string reason) => problems.Add(new(ProblemSeverity.Warning, Full(relative), reason));

    public bool Has(string relative) => config.HasPath(Full(relative));

    public string String(string relative, string fallback = "") =>
        Read(relative, fallback, "a string", p => config.GetString(p, fallback) ?? fallback); // "key = null" means the default

    public bool Bool(string relative, bool fallback) =>
        Read(relative, fallback, "on/off (a boolean)", p => config.GetBoolean(p, fallback));

    public IReadOnlyList<string> StringList(string relative) =>
        Read<IReadOnlyList<string>>(relative, [], "a list of strings", p => config.GetStringList(p).ToList());

    public int Int(string relative, int fallback) => Read(relative, fallback, "an integer", p => config.GetInt(p, fallback));

    public int NonNegativeInt(string relative, int fallback) =>
        Check(relative, Read(relative, fallback, "an integer", p => config.GetInt(p, fallback)), v => v >= 0, "must not be negative", fallback);

    /// <summary>A fraction in (0, 1], such as 0.8.</summary>
    public double Fraction(string relative, double fallback) =>
        Check(relative, Read(relative, fallback, "a number such as 0.8", p => config.GetDouble(p, fallback)),
            v => v is > 0 and <= 1, "must be greater than 0 and at most 1", fallback);

    public int PositiveInt(string relative, int fallback) =>
        Check(relative, Read(relative, fallback, "an integer", p => config.GetInt(p, fallback)), v => v > 0, "must be greater than 0", fallback);

    public TimeSpan PositiveDuration(string relative, TimeSpan fallback) =>
        Check(relative, Read(relative, fallback, "a duration such as 30s or 5m", p => config.GetTimeSpan(p, fallback)),
            v => v > TimeSpan.Zero, "must be a positive duration", fallback);

    public TimeSpan NonNegativeDuration(string relative, TimeSpan fallback) =>
        Check(relative, Read(relative, fallback, "a duration such as 1s", p => config.GetTimeSpan(p, fallback)),
            v => v >= TimeSpan.Zero, "must not be negative", fallback);

    public long PositiveByteSize(string relative, long fallback) =>
        Check(relative, Read(relative, fallback, "a size such as 10 MiB", p => config.GetByteSize(p) ?? fallback),
            v => v > 0, "must be greater than 0", fallback);

    public IPEndPoint? Endpoint(string relative)
    {
        var text = String(relative);
        if (IPEndPoint.TryParse(text, out var ep) && text.Contains(':')) return ep;
        Error(relative, $"'{text}' is not an address:port such as 127.0.0.1:2525 or [::1]:25");
        return null;
    }

    private T Read<T>(string relative, T fallback, string expected, Func<string, T> read)
    {
        var path = Full(relative);
        if (!config.HasPath(path)) return fallback;
        try { return read(path); }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or ConfigurationException or ArgumentException)
        {
            var raw = SafeRaw(path);
            Error(relative, $"expected {expected}, got '{raw}'");
            return fallback;
        }
    }

    private string SafeRaw(string path)
    {
        try { return config.GetValue(path)?.ToString() ?? ""; }
        catch (Exception) { return "?"; }
    }

    private T Check<T>(string relative, T value, Func<T, bool> ok, string reason, T fallback)
    {
        if (ok(value)) return value;
        Error(relative, $"{reason}, got {value}");
        return fallback;
    }
}
