using Akka.Actor;
using MailCluster.Cluster.Logging.Recent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailCluster.Cluster.Admin;

/// <summary>One message's life as the whole cluster logged it: every member's lines about it, in time order.</summary>
public sealed record MessageTraceView(string QueueId, IReadOnlyList<TracedEvent> Events, IReadOnlyList<string> NodesNotAnswering);

/// <summary>The cluster's recent refusals by the rule that made them, with the clients refused, most refused first.</summary>
public sealed record RefusalsView(IReadOnlyList<RefusalGroup> Rules, int Total, IReadOnlyList<string> NodesNotAnswering);

public sealed record RefusalGroup(string Rule, int Count, DateTimeOffset Last, string? Reply, IReadOnlyList<ClientCount> Clients);

public sealed record ClientCount(string ClientIp, int Count);

/// <summary>
/// What every member's recent mail log (<see cref="RecentMailLogActor"/>) says, merged: GET /api/messages/{id}/trace (a
/// message is accepted on one node and delivered by whichever hosts its queue) and GET /api/policy/refusals. A member
/// that does not answer in time is named, not silently left out.
/// </summary>
public static class RecentMailLogEndpoints
{
    private const int ClientsPerRule = 20;

    public static void Map(IEndpointRouteBuilder app, ActorSystem system)
    {
        app.MapGet("/api/messages/{queueId}/trace", async (string queueId) =>
        {
            var (answers, silent) = await ClusterFanOut.AskEveryMemberAsync<MailTrace>(system, RecentMailLogActor.Name, new GetMailTrace(queueId));
            var events = answers.SelectMany(a => a.Events).OrderBy(e => e.At).ToList();
            if (events.Count == 0 && silent.Count == 0)
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such message",
                    detail: $"no node's recent mail log mentions queue id '{queueId}'");
            return Results.Ok(new MessageTraceView(queueId, events, silent));
        });

        app.MapGet("/api/policy/refusals", async () =>
        {
            var (answers, silent) = await ClusterFanOut.AskEveryMemberAsync<RecentRefusals>(system, RecentMailLogActor.Name, new GetRecentRefusals());
            var events = answers.SelectMany(a => a.Events).ToList();
            return Results.Ok(new RefusalsView(Group(events), events.Count, silent));
        });
    }

    /// <summary>By rule (a policy rule, a protocol reject's reason, or auth-lockout), each with its clients by count.</summary>
    public static IReadOnlyList<RefusalGroup> Group(IEnumerable<TracedEvent> refusals) =>
        refusals.GroupBy(RuleOf)
            .Select(g => new RefusalGroup(g.Key, g.Count(), g.Max(e => e.At), g.MaxBy(e => e.At)!.Fields.GetValueOrDefault("reply"),
                g.GroupBy(e => e.Fields.GetValueOrDefault("client_ip") ?? "?").Select(c => new ClientCount(c.Key, c.Count()))
                    .OrderByDescending(c => c.Count).ThenBy(c => c.ClientIp, StringComparer.Ordinal).Take(ClientsPerRule).ToList()))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Rule, StringComparer.Ordinal).ToList();

    private static string RuleOf(TracedEvent e) => e.Event switch
    {
        Logging.MailEvents.Policy => e.Fields.GetValueOrDefault("rule") ?? "policy",
        Logging.MailEvents.AuthLockout => "auth-lockout",
        _ => $"{e.Event}: {e.Fields.GetValueOrDefault("reason")}",
    };
}
