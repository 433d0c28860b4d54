using MailCluster.Cluster.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailCluster.Cluster.Admin;

/// <summary>/metrics in the Prometheus text exposition format.</summary>
public static class MetricsEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
    {
        PrometheusExport.Start();
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = PrometheusExport.ContentType;
            await PrometheusExport.WriteAsync(context.Response.Body, context.RequestAborted);
        });
    }
}
