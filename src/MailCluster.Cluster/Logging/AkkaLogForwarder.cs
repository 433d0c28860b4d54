using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace MailCluster.Cluster.Logging;

/// <summary>
/// An Akka logger (akka.loggers) that passes every log event to the node's Microsoft.Extensions.Logging factory, so
/// Akka's own lines and the mail log share one sink and one format. <see cref="MailEvent"/> messages keep their
/// fields; other messages are logged as their text with the actor path as "source".
/// </summary>
public sealed class AkkaLogForwarder : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public const string TypeName = "MailCluster.Cluster.Logging.AkkaLogForwarder, MailCluster.Cluster";

    private readonly ILoggerFactory _factory;
    private readonly Dictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public AkkaLogForwarder()
    {
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        _factory = setup.HasValue ? setup.Value.Factory : NodeLogging.CreateFactory(LoggingSettings.Default);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Forward);
    }

    private void Forward(LogEvent e)
    {
        var logger = LoggerFor(e);
        var level = Map(e.LogLevel());
        if (!logger.IsEnabled(level)) return;
        if (e.Message is MailEvent mail)
        {
            logger.Log(level, default, mail, e.Cause, static (m, _) => m.ToString());
            return;
        }
        var state = new AkkaLine(e.Message?.ToString() ?? "", e.LogSource);
        logger.Log(level, default, state, e.Cause, static (s, _) => s.Message);
    }

    /// <summary>
    /// The logger is named after the class that logged. Akka's extensions log with a string source and a dummy class
    /// ("remoting (akka://mailcluster)"): those are named Akka.&lt;first word of the source&gt;, e.g. Akka.Cluster.
    /// </summary>
    private ILogger LoggerFor(LogEvent e)
    {
        var name = e.LogClass is null || e.LogClass == typeof(DummyClassForStringSources)
            ? "Akka." + (e.LogSource ?? "").Split(' ', 2)[0]
            : e.LogClass.FullName ?? e.LogClass.Name;
        if (!_loggers.TryGetValue(name, out var logger)) _loggers[name] = logger = _factory.CreateLogger(name);
        return logger;
    }

    private static LogLevel Map(AkkaLogLevel level) => level switch
    {
        AkkaLogLevel.DebugLevel => LogLevel.Debug,
        AkkaLogLevel.InfoLevel => LogLevel.Information,
        AkkaLogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    /// <summary>An Akka line's structured part: where it came from (the actor path).</summary>
    private sealed class AkkaLine(string message, string source) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message => message;
        public int Count => 1;
        public KeyValuePair<string, object?> this[int index] => new("source", source);
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() { yield return this[0]; }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public override string ToString() => message;
    }
}
