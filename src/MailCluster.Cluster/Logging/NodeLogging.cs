using Microsoft.Extensions.Logging;

namespace MailCluster.Cluster.Logging;

/// <summary>Builds the node's logger factory: one sink for the node's own lines, the mail log and Akka's events.</summary>
public static class NodeLogging
{
    public static ILoggerFactory CreateFactory(LoggingSettings settings, TextWriter? output = null) =>
        LoggerFactory.Create(builder => builder
            .ClearProviders()
            .SetMinimumLevel(settings.Level)
            .AddProvider(new LineLoggerProvider(settings.Format, output ?? Console.Out)));
}
