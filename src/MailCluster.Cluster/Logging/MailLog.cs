using Akka.Actor;
using Akka.Event;

namespace MailCluster.Cluster.Logging;

/// <summary>
/// Writes <see cref="MailEvent"/>s to the actor system's event stream, so they reach the same sink as Akka's own log
/// events (<see cref="AkkaLogForwarder"/>) without blocking the actor, and to the node's <see cref="Recent.RecentMailLog"/>.
/// Safe to use from task continuations.
/// </summary>
public sealed class MailLog(EventStream stream, string source, Type logClass, Recent.RecentMailLog? recent = null)
{
    public static MailLog For(IActorContext context) =>
        new(context.System.EventStream, context.Self.Path.ToString(), context.Props.Type ?? typeof(MailLog), Recent.RecentMailLog.Get(context.System));

    public void Info(string name, params (string Key, object? Value)[] fields) =>
        stream.Publish(new Info(source, logClass, Remember("Info", new MailEvent(name, fields))));

    public void Warning(string name, params (string Key, object? Value)[] fields) =>
        stream.Publish(new Warning(source, logClass, Remember("Warning", new MailEvent(name, fields))));

    public void Error(string name, params (string Key, object? Value)[] fields) =>
        stream.Publish(new Error(null, source, logClass, Remember("Error", new MailEvent(name, fields))));

    /// <summary>Also into the node's recent mail log (message traces, the policy page).</summary>
    private MailEvent Remember(string level, MailEvent mail)
    {
        recent?.Add(level, mail);
        return mail;
    }
}
