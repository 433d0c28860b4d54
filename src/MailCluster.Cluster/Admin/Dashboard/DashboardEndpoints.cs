using MailCluster.Cluster.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailCluster.Cluster.Admin.Dashboard;

/// <summary>
/// The dashboard: a static page (HTML, JS and CSS embedded in this assembly, so it ships inside the node) at / and
/// /dashboard, plus the JSON endpoints only it needs: /api/stats, /api/stats/history (the whole cluster's last hour,
/// added up here) and /api/messages?q=. The static files are
/// served without a token because they hold no data; every API call they make still needs the Bearer token.
/// </summary>
public static class DashboardEndpoints
{
    // The page sets no inline script or style, so a strict policy costs nothing and blunts any escaping mistake.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void Map(IEndpointRouteBuilder app, NodeHost node, QueueDirectory queues)
    {
        var page = Asset("dashboard.html", "text/html; charset=utf-8");
        app.MapGet("/", page).AllowAnonymous();
        app.MapGet("/dashboard", page).AllowAnonymous();
        app.MapGet("/dashboard/dashboard.js", Asset("dashboard.js", "text/javascript; charset=utf-8")).AllowAnonymous();
        app.MapGet("/dashboard/dashboard.css", Asset("dashboard.css", "text/css; charset=utf-8")).AllowAnonymous();

        DashboardStats.Start();
        app.MapGet("/api/stats", () => Results.Ok(DashboardStats.Read(node.Settings.HostName)));
        app.MapGet("/api/stats/history", async () =>
        {
            var (answers, silent) = await ClusterFanOut.AskEveryMemberAsync<History.ThroughputHistory>(node.System,
                History.ThroughputHistoryActor.Name, new History.GetThroughputHistory());
            var interval = (node.Settings.Admin ?? AdminSettings.Default).HistoryInterval;
            return Results.Ok(new History.ThroughputHistoryView(interval.TotalSeconds, "recipient attempts",
                History.ClusterThroughput.Combine(answers, interval), silent));
        });

        app.MapGet("/api/messages", async (string? q) =>
        {
            if (string.IsNullOrWhiteSpace(q))
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Empty query",
                    detail: "give q: a queue id, or part of a sender or recipient address");
            return Results.Ok(MessageSearch.Find(await queues.AllEntriesAsync(), q.Trim(), DateTimeOffset.UtcNow));
        });
    }

    private static RequestDelegate Asset(string file, string contentType)
    {
        var name = "MailCluster.Dashboard." + file;
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from the build");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        return async context =>
        {
            var headers = context.Response.Headers;
            headers.ContentType = contentType;
            headers.CacheControl = "no-cache";
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        };
    }
}
