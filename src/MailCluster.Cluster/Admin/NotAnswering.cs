using Akka.Actor;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace MailCluster.Cluster.Admin;

/// <summary>A queue or a cluster actor that did not answer an admin request in time, named for the postmaster.</summary>
public sealed class NotAnsweringException(string what, TimeSpan timeout, Exception inner)
    : Exception($"{what} did not answer within {timeout.TotalSeconds:0} s", inner);

/// <summary>
/// Turns an unanswered ask into 503 with Retry-After instead of a bare 500: while shards move between nodes (a node
/// joins, leaves or restarts) a queue is briefly unreachable, and a script should try again rather than give up.
/// </summary>
public sealed class NotAnsweringHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var detail = exception switch
        {
            NotAnsweringException e => e.Message,
            AskTimeoutException => "a cluster actor did not answer in time",
            _ => null,
        };
        if (detail is null) return false;
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = 503, Title = "Not answering", Detail = detail + " (queues may be moving between nodes); try again" },
        });
    }
}
