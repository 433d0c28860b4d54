using Microsoft.Extensions.Logging;

namespace MailCluster.Cluster.Logging;

/// <summary>
/// A Microsoft.Extensions.Logging provider that writes one line per entry (text or JSON) to a writer, by default
/// stdout. Written here rather than using the console provider, whose text format spans two lines per entry and whose
/// JSON nests the fields under "State"; operators grep and ship these lines, so their shape is ours to keep stable.
/// </summary>
public sealed class LineLoggerProvider(LogFormat format, TextWriter output) : ILoggerProvider
{
    private readonly object _lock = new();

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    public void Dispose()
    {
        lock (_lock) output.Flush();
    }

    private void Write(LogLevel level, string category, string message, Exception? exception, object? state)
    {
        var now = DateTimeOffset.UtcNow;
        var line = format == LogFormat.Json
            ? LogLineFormat.Json(now, level, category, message, exception, state as IEnumerable<KeyValuePair<string, object?>> ?? [])
            : LogLineFormat.Text(now, level, category, message, exception);
        lock (_lock)
        {
            output.Write(line + "\n");
            output.Flush();
        }
    }

    private sealed class LineLogger(LineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            provider.Write(logLevel, category, formatter(state, exception), exception, state);
        }
    }
}
