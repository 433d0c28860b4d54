using Akka.Actor;
using Akka.Event;

namespace MailCluster.Cluster.Logging;

/// <summary>
/// Writes <see cref="MailEvent"/>s to the actor system's event stream, so they reach the same sink as Akka's own log
/// events (<see cref="AkkaLogForwarder"/>) without blocking the actor. Safe to use from task continuations.
/// </summary>
public sealed class MailLog(EventStream stream, string source, Type logClass)
{
    public static MailLog For(IActorContext context) =>
        new(context.System.EventStream, context.Self.Path.ToString(), context.Props.Type ?? typeof(MailLog));

    public void Info(string name, params (string Key, object? Value)[] fields) =>
        stream.Publish(new Info(source, logClass, new MailEvent(name, fields)));

    public void Warning(string name, params (string Key, object? Value)[] fields) =>
        stream.Publish(new Warning(source, logClass, new MailEvent(name, fields)));

    public void Error(string name, params (string Key, object? Value)[] fields) =>
        stream.Publish(new Error(null, source, logClass, new MailEvent(name, fields)));
}
