using MailCluster.Cluster.Queue;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailCluster.Cluster.Admin;

/// <summary>/api/queues: summaries per next hop, one queue's entries, flush a queue.</summary>
public static class QueueEndpoints
{
    public static void Map(IEndpointRouteBuilder app, QueueDirectory queues)
    {
        app.MapGet("/api/queues", async () =>
        {
            var now = DateTimeOffset.UtcNow;
            return Results.Ok((await queues.SummariesAsync()).Select(s => View(s, now)).ToList());
        });

        app.MapGet("/api/queues/{hopKey}/entries", async (string hopKey) =>
            await queues.ExistsAsync(hopKey)
                ? Results.Ok(View(await queues.EntriesAsync(hopKey)))
                : NoSuchQueue(hopKey));

        app.MapPost("/api/queues/{hopKey}/flush", async (string hopKey) =>
        {
            if (!await queues.ExistsAsync(hopKey)) return NoSuchQueue(hopKey);
            var affected = await queues.ApplyAsync([new FlushQueue(hopKey)]);
            return Results.Ok(new OperationResult("flush", affected, [], [hopKey]));
        });
    }

    public static QueueSummaryView View(QueueSummary s, DateTimeOffset now) =>
        new(s.HopKey, s.Active, s.Deferred, s.Held, s.InFlight, s.OldestArrival,
            s.OldestArrival is { } oldest ? Math.Round((now - oldest).TotalSeconds, 1) : null, s.LastError);

    public static QueueEntriesView View(QueueEntries q) =>
        new(q.HopKey, q.Entries.Select(e => new QueueEntryModel(e.QueueId, e.Recipient, e.Sender, e.ArrivedAt, e.State, e.Attempts,
            e.NextAttemptAt, e.LastError)).ToList());

    private static IResult NoSuchQueue(string hopKey) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such queue", detail: $"no next-hop queue '{hopKey}' on this node");
}
