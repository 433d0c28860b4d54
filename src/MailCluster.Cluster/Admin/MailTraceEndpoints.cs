using Akka.Actor;
using Akka.Cluster;
using MailCluster.Cluster.Logging.Trace;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailCluster.Cluster.Admin;

/// <summary>One message's life as the whole cluster logged it: every member's lines about it, in time order.</summary>
public sealed record MessageTraceView(string QueueId, IReadOnlyList<TracedEvent> Events, IReadOnlyList<string> NodesNotAnswering);

/// <summary>
/// GET /api/messages/{id}/trace: asks the mail-trace actor of every member (a message is accepted on one node and
/// delivered by whichever hosts its queue) and merges their lines. A member that does not answer in time is named.
/// </summary>
public static class MailTraceEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    public static void Map(IEndpointRouteBuilder app, ActorSystem system)
    {
        app.MapGet("/api/messages/{queueId}/trace", async (string queueId) =>
        {
            var members = Akka.Cluster.Cluster.Get(system).State.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address).ToList();
            if (members.Count == 0) members = [Akka.Cluster.Cluster.Get(system).SelfAddress];
            var answers = await Task.WhenAll(members.Select(async address =>
            {
                try
                {
                    return (address, trace: await system.ActorSelection($"{address}/user/{MailTraceActor.Name}")
                        .Ask<MailTrace>(new GetMailTrace(queueId), AskTimeout));
                }
                catch (AskTimeoutException) { return (address, trace: (MailTrace?)null); }
            }));
            var events = answers.Where(a => a.trace is not null).SelectMany(a => a.trace!.Events).OrderBy(e => e.At).ToList();
            var silent = answers.Where(a => a.trace is null).Select(a => a.address.ToString()).ToList();
            if (events.Count == 0 && silent.Count == 0)
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such message",
                    detail: $"no node's recent mail log mentions queue id '{queueId}'");
            return Results.Ok(new MessageTraceView(queueId, events, silent));
        });
    }
}
