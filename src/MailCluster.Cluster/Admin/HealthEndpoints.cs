using Akka.Cluster;
using MailCluster.Cluster.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailCluster.Cluster.Admin;

/// <summary>
/// /health/live: the process answers. /health/ready: this node is an Up cluster member, its spool answers a point
/// lookup, and each SMTP listener actor answers; otherwise 503 with the reasons.
/// </summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static void Map(IEndpointRouteBuilder app, NodeHost node)
    {
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));

        app.MapGet("/health/ready", async () =>
        {
            var reasons = new List<string>();
            var self = Akka.Cluster.Cluster.Get(node.System).SelfMember;
            if (self.Status != MemberStatus.Up) reasons.Add($"cluster member status is {self.Status}, not Up");
            try { await node.Spool.LoadAsync("health-probe").WaitAsync(ProbeTimeout); }
            catch (Exception ex) { reasons.Add($"spool unavailable: {ex.GetBaseException().Message}"); }
            if (node.Settings.Cluster.IsIngress)
            {
                foreach (var listener in node.Settings.Listeners.Select(l => l.Name))
                {
                    if (!node.Endpoints.ContainsKey(listener)) { reasons.Add($"listener {listener} is not bound"); continue; }
                    try { await node.ActiveSessionsAsync(listener).WaitAsync(ProbeTimeout); }
                    catch (Exception ex) { reasons.Add($"listener {listener} does not answer: {ex.GetBaseException().Message}"); }
                }
            }
            return reasons.Count == 0
                ? Results.Ok(new { status = "ready" })
                : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready",
                    detail: string.Join("; ", reasons), extensions: new Dictionary<string, object?> { ["reasons"] = reasons });
        });
    }
}
