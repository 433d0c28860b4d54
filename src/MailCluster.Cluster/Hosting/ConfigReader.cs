using System.Net;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// Typed reads from a HOCON <see cref="Config"/> that never throw: a bad value is recorded as a problem under its
/// full path and a fallback is returned, so one pass reports every error in the file.
/// </summary>
public sealed class ConfigReader(Config config, string basePath, List<ConfigProblem> problems)
{
    public List<ConfigProblem> Problems => problems;

    public ConfigReader Sub(string relative) => new(config, Full(relative), problems);

    /// <summary>The same reads with problems discarded: for a second pass over keys another loader reports on.</summary>
    public ConfigReader Quiet() => new(config, basePath, []);

    public string Full(string relative) => basePath.Length == 0 ? relative : $"{basePath}.{relative}";

    public void Error(string relative, string reason) => problems.Add(new(ProblemSeverity.Error, Full(relative), reason));
    public void Warning(string relative, string reason) => problems.Add(new(ProblemSeverity.Warning, Full(relative), reason));

    public bool Has(string relative) => config.HasPath(Full(relative));

    public string String(string relative, string fallback = "") =>
        Scalar(relative, fallback, "a string", p => config.GetString(p, fallback) ?? fallback); // "key = null" means the default

    public bool Bool(string relative, bool fallback) =>
        Scalar(relative, fallback, "on/off (a boolean)", p => config.GetBoolean(p, fallback));

    public IReadOnlyList<string> StringList(string relative) =>
        Read<IReadOnlyList<string>>(relative, [], "a list of strings such as [\"a\", \"b\"]", p =>
        {
            var value = config.GetValue(p);
            if (HoconShape.IsNull(value)) return [];
            if (!HoconShape.IsList(value)) throw new FormatException("not a list");
            var items = value.GetArray();
            return items.All(HoconShape.IsText) ? items.Select(i => i.GetString() ?? "").ToList() : throw new FormatException("not strings");
        });

    /// <summary>
    /// A map whose keys are the user's own names (aliases, logins, routes, listeners), in file order; anything but an
    /// object there is an error, and an absent or null key is an empty map.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, HoconValue>> Map(string relative) =>
        Read<IReadOnlyList<KeyValuePair<string, HoconValue>>>(relative, [], "an object such as { name = value }", p =>
        {
            var value = config.GetValue(p);
            if (HoconShape.IsNull(value)) return [];
            return value.IsObject() ? value.GetObject().Items.ToList() : throw new FormatException("not an object");
        });

    public int Int(string relative, int fallback) => Scalar(relative, fallback, "an integer", p => config.GetInt(p, fallback));

    public int NonNegativeInt(string relative, int fallback) =>
        Check(relative, Read(relative, fallback, "an integer", p => config.GetInt(p, fallback)), v => v >= 0, "must not be negative", fallback);

    /// <summary>A fraction in (0, 1], such as 0.8.</summary>
    public double Fraction(string relative, double fallback) =>
        Check(relative, Read(relative, fallback, "a number such as 0.8", p => config.GetDouble(p, fallback)),
            v => v is > 0 and <= 1, "must be greater than 0 and at most 1", fallback);

    /// <summary>A number of zero or more, such as a rate (0 usually meaning "no limit").</summary>
    public double NonNegativeNumber(string relative, double fallback) =>
        Check(relative, Read(relative, fallback, "a number such as 10 or 0.5", p => config.GetDouble(p, fallback)),
            v => v >= 0 && double.IsFinite(v), "must be a number of 0 or more", fallback);

    public int PositiveInt(string relative, int fallback) =>
        Check(relative, Scalar(relative, fallback, "an integer", p => config.GetInt(p, fallback)), v => v > 0, "must be greater than 0", fallback);

    /// <summary>
    /// The longest wait a timeout may ask for: 2^32-2 ms (about 49.7 days). .NET's timers (CancellationTokenSource,
    /// Task.Delay, WaitAsync) throw ArgumentOutOfRangeException beyond it (measured: 30d works, 60d throws), which a
    /// session or a delivery would hit at run time; ages compared against a clock (retry.*) are not waits.
    /// </summary>
    public static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    /// <param name="isTimer">The value is waited for (a timeout, a delay), so it must not exceed <see cref="LongestTimer"/>.</param>
    public TimeSpan PositiveDuration(string relative, TimeSpan fallback, bool isTimer = true) =>
        Longest(relative, Check(relative, Scalar(relative, fallback, "a duration such as 30s or 5m", p => config.GetTimeSpan(p, fallback)),
            v => v > TimeSpan.Zero, "must be a positive duration", fallback), isTimer, fallback);

    public TimeSpan NonNegativeDuration(string relative, TimeSpan fallback, bool isTimer = true) =>
        Longest(relative, Check(relative, Scalar(relative, fallback, "a duration such as 1s", p => config.GetTimeSpan(p, fallback)),
            v => v >= TimeSpan.Zero, "must not be negative", fallback), isTimer, fallback);

    private TimeSpan Longest(string relative, TimeSpan value, bool isTimer, TimeSpan fallback) =>
        isTimer ? Check(relative, value, v => v <= LongestTimer, "must be at most 49d (the longest a .NET timer can wait)", fallback) : value;

    public long PositiveByteSize(string relative, long fallback) =>
        Check(relative, Scalar(relative, fallback, "a size such as 10 MiB", p => config.GetByteSize(p) ?? fallback),
            v => v > 0, "must be greater than 0", fallback);

    public IPEndPoint? Endpoint(string relative)
    {
        var text = String(relative);
        if (IPEndPoint.TryParse(text, out var ep) && text.Contains(':')) return ep;
        Error(relative, $"'{text}' is not an address:port such as 127.0.0.1:2525 or [::1]:25");
        return null;
    }

    /// <summary>A single value: a list or an object there is the wrong type (Akka would quietly read it as null).</summary>
    private T Scalar<T>(string relative, T fallback, string expected, Func<string, T> read) =>
        Read(relative, fallback, expected, p => HoconShape.IsText(config.GetValue(p)) ? read(p) : throw new FormatException("not a value"));

    private T Read<T>(string relative, T fallback, string expected, Func<string, T> read)
    {
        var path = Full(relative);
        if (!config.HasPath(path)) return fallback;
        try { return read(path); }
        // Akka's getters throw whatever their parsing hits (NotSupportedException for "maybe" as a boolean,
        // NullReferenceException for a number where an object belongs): any of it means "wrong type" here.
        catch (Exception ex) when (ex is not OutOfMemoryException)
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
