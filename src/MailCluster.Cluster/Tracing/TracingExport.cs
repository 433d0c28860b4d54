using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MailCluster.Cluster.Tracing;

/// <summary>
/// The node's TracerProvider: spans of <see cref="MailTracing.Source"/> to the OTLP endpoint, the node's mail hostname as
/// service.instance.id so a trace shows which node did what. Disposed (and flushed) when the node stops.
/// </summary>
public static class TracingExport
{
    public static TracerProvider? Start(TracingSettings settings, string hostName) =>
        settings.OtlpEndpoint is not { } endpoint
            ? null
            : Sdk.CreateTracerProviderBuilder()
                .AddSource(MailTracing.SourceName)
                .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(settings.ServiceName, serviceInstanceId: hostName))
                .AddOtlpExporter(o =>
                {
                    o.Endpoint = endpoint;
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                    // Seconds, not the default 5: a trace of a message should be visible while the postmaster looks.
                    o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000;
                })
                .Build();
}
