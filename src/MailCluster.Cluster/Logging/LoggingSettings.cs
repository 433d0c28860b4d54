using MailCluster.Cluster.Hosting;
using Microsoft.Extensions.Logging;

namespace MailCluster.Cluster.Logging;

public enum LogFormat { Text, Json }

/// <summary>mailcluster.logging: how log lines are written (text or one JSON object per line) and the lowest level kept.</summary>
public sealed record LoggingSettings(LogFormat Format, LogLevel Level)
{
    public static LoggingSettings Default { get; } = new(LogFormat.Text, LogLevel.Information);

    /// <summary>The same threshold in Akka's words, for akka.loglevel.</summary>
    public string AkkaLevel => Level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.None => "OFF",
        _ => "ERROR",
    };

    public static LoggingSettings Load(ConfigReader root)
    {
        var format = root.String("logging.format", "text") switch
        {
            "text" => LogFormat.Text,
            "json" => LogFormat.Json,
            var other => Invalid(root, "logging.format", $"'{other}' is not text or json", LogFormat.Text),
        };
        var level = root.String("logging.level", "info") switch
        {
            "debug" => LogLevel.Debug,
            "info" => LogLevel.Information,
            "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            var other => Invalid(root, "logging.level", $"'{other}' is not debug, info, warning or error", LogLevel.Information),
        };
        return new LoggingSettings(format, level);
    }

    private static T Invalid<T>(ConfigReader root, string key, string reason, T fallback)
    {
        root.Error(key, reason);
        return fallback;
    }
}
