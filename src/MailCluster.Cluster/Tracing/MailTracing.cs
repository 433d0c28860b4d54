using System.Diagnostics;

namespace MailCluster.Cluster.Tracing;

/// <summary>
/// The "MailCluster" ActivitySource: one trace per message, from the SMTP transaction (MAIL FROM) through the policy
/// checks and the acceptance to the queue entity (on whichever node) and each delivery attempt. Without a listener
/// (mailcluster.tracing.otlp-endpoint empty) StartActivity returns null and costs next to nothing.
/// </summary>
public static class MailTracing
{
    public const string SourceName = "MailCluster";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// A span that does not become Activity.Current: actors run many sessions on one thread, and a current span left
    /// behind would adopt whatever runs next as its child.
    /// </summary>
    public static Activity? StartDetached(string name, ActivityKind kind, ActivityContext parent = default)
    {
        var previous = Activity.Current;
        var activity = Source.StartActivity(name, kind, parent);
        // Without a listener (tracing off) nothing was started and nothing is touched: this runs per MAIL and per RCPT.
        if (activity is not null) Activity.Current = previous;
        return activity;
    }

    /// <summary>The W3C traceparent of a span, to carry across nodes in a message; null without tracing.</summary>
    public static string? TraceParentOf(Activity? activity) => activity?.Id;

    public static ActivityContext ParentFrom(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
}
