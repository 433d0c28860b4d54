using Akka.Actor.Setup;
using Microsoft.Extensions.Logging;

namespace MailCluster.Cluster.Logging;

/// <summary>
/// Hands the node's logger factory to <see cref="AkkaLogForwarder"/>, which Akka creates by class name. Per actor
/// system rather than static, so several nodes in one test process each log to their own sink.
/// </summary>
public sealed class LoggerFactorySetup(ILoggerFactory factory) : Setup
{
    public ILoggerFactory Factory { get; } = factory;
}
