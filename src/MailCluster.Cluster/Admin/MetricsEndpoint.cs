using MailCluster.Cluster.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace MailCluster.Cluster.Admin;

/// <summary>
/// GET /metrics: the OpenTelemetry Prometheus exporter's text format (0.0.4), or OpenMetrics when the scraper asks for it
/// in Accept (Prometheus does); the sample names are the same in both. It is an endpoint like the others, so the admin
/// middleware (RequestGuard, BearerToken) guards it.
/// </summary>
public static class MetricsEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint("/metrics", MetricsExport.Start(), configureBranchedPipeline: null, optionsName: null)
            .WithMetadata(new HttpMethodMetadata(["GET"]));
}
