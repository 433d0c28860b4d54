using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace MailCluster.Cluster.Logging;

/// <summary>
/// Renders one log entry as one line. Text: <c>2025-01-02T03:04:05.678Z info SmtpConnectionActor: message</c>.
/// JSON: <c>{"timestamp":…,"level":…,"logger":…,"message":…, …fields}</c>; the message is the same text either way,
/// so a line found by grepping text mode is found in JSON mode too.
/// </summary>
internal static class LogLineFormat
{
    /// <summary>MEL's message-template bookkeeping: the template itself, not a field.</summary>
    private const string OriginalFormat = "{OriginalFormat}";

    private static readonly HashSet<string> Reserved = ["timestamp", "level", "logger", "message", "exception"];

    public static string Text(DateTimeOffset at, LogLevel level, string category, string message, Exception? exception)
    {
        var line = new StringBuilder(128)
            .Append(at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)).Append(' ')
            .Append(Level(level)).Append(' ')
            .Append(ShortName(category)).Append(": ")
            .Append(OneLine(message));
        if (exception is not null) line.Append(" exception=\"").Append(OneLine(exception.ToString()).Replace("\"", "\\\"")).Append('"');
        return line.ToString();
    }

    public static string Json(DateTimeOffset at, LogLevel level, string category, string message, Exception? exception,
        IEnumerable<KeyValuePair<string, object?>> fields)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteString("level", Level(level));
            json.WriteString("logger", category);
            json.WriteString("message", message);
            if (exception is not null) json.WriteString("exception", exception.ToString());
            foreach (var (key, value) in fields)
            {
                if (key == OriginalFormat || Reserved.Contains(key)) continue;
                WriteValue(json, key, value);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null: json.WriteNull(key); break;
            case bool b: json.WriteBoolean(key, b); break;
            case int or long or short or byte or uint or ulong: json.WriteNumber(key, Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case double or float or decimal: json.WriteNumber(key, Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
            case TimeSpan t: json.WriteNumber(key, Math.Round(t.TotalSeconds, 3)); break;
            default: json.WriteString(key, MailEvent.Render(value)); break;
        }
    }

    public static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };

    /// <summary>Text lines name the class, not its namespace: the line stays readable and the full name is in JSON.</summary>
    private static string ShortName(string category)
    {
        var generic = category.IndexOf('`');
        var name = generic < 0 ? category : category[..generic];
        return name[(name.LastIndexOf('.') + 1)..];
    }

    /// <summary>One event, one line: embedded newlines (exception traces, client data) are escaped.</summary>
    private static string OneLine(string text) => text.Replace("\r", "\\r").Replace("\n", "\\n");
}
