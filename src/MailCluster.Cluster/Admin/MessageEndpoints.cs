using MailCluster.Cluster.Queue;
using MailCluster.Core.Spool;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailCluster.Cluster.Admin;

/// <summary>
/// /api/messages: one message across all queues (envelope, per-recipient state, headers), and flush, hold, release
/// and delete by id or by filter. Queues are found by scanning their entries, since a message may wait in several.
/// </summary>
public static class MessageEndpoints
{
    private static readonly string[] ByIdActions = ["flush", "hold", "release", "delete"];
    private static readonly string[] ByFilterActions = ["hold", "release", "delete"];

    public static void Map(IEndpointRouteBuilder app, QueueDirectory queues, IMessageSpool spool)
    {
        app.MapGet("/api/messages/{queueId}", async (string queueId) =>
        {
            var entries = await queues.AllEntriesAsync();
            var states = entries.SelectMany(q => q.Entries.Where(e => e.QueueId == queueId)
                    .Select(e => new RecipientStateView(q.HopKey, e.Recipient, e.State, e.Attempts, e.NextAttemptAt, e.LastError)))
                .ToList();
            var stored = await spool.LoadAsync(queueId);
            if (stored is null && states.Count == 0) return NoSuchMessage(queueId);
            return Results.Ok(new MessageView(queueId, stored is not null, stored?.Sender ?? entries.SelectMany(q => q.Entries).FirstOrDefault(e => e.QueueId == queueId)?.Sender,
                stored?.Recipients ?? [], stored?.ClientIp, stored?.HeloName, stored?.ReceivedAt, stored?.Content.Length,
                states, stored is null ? [] : HeaderReader.Read(stored.Content.Span)));
        });

        app.MapPost("/api/messages/{queueId}/{action}", async (string queueId, string action) =>
        {
            if (!ByIdActions.Contains(action)) return UnknownAction(action, ByIdActions);
            var located = MessageSelection.ById(await queues.AllEntriesAsync(), [queueId]);
            if (located.Count == 0) return NoSuchMessage(queueId);
            return Results.Ok(await ApplyAsync(queues, action, located));
        });

        app.MapPost("/api/messages/{action}", async (string action, MessageFilter filter) =>
        {
            if (!ByFilterActions.Contains(action)) return UnknownAction(action, ByFilterActions);
            if (MessageSelection.IsEmpty(filter))
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Empty filter",
                    detail: "give at least one of domain, sender, olderThanSeconds");
            var located = MessageSelection.ByFilter(await queues.AllEntriesAsync(), filter, DateTimeOffset.UtcNow);
            return Results.Ok(await ApplyAsync(queues, action, located));
        });
    }

    private static async Task<OperationResult> ApplyAsync(QueueDirectory queues, string action, Dictionary<string, List<string>> located)
    {
        var commands = located.Select(kv => (IQueueCommand)(action switch
        {
            "flush" => new FlushQueue(kv.Key, kv.Value),
            "hold" => new HoldMessages(kv.Key, kv.Value),
            "release" => new ReleaseMessages(kv.Key, kv.Value),
            _ => new DeleteMessages(kv.Key, kv.Value),
        }));
        var affected = await queues.ApplyAsync(commands.ToList());
        return new OperationResult(action, affected, located.Values.SelectMany(v => v).Distinct().Order().ToList(), located.Keys.Order().ToList());
    }

    private static IResult NoSuchMessage(string queueId) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such message", detail: $"queue id '{queueId}' is in no queue and not in the spool");

    private static IResult UnknownAction(string action, string[] known) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown action",
            detail: $"'{action}' is not one of {string.Join(", ", known)}");
}
