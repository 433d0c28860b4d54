namespace MailCluster.Cluster.Tracing;

/// <summary>mailcluster.tracing: where spans go (OTLP over HTTP, protobuf); no endpoint, no tracing.</summary>
public sealed record TracingSettings(Uri? OtlpEndpoint, string ServiceName)
{
    public static readonly TracingSettings Off = new(null, "mailcluster");

    public bool Enabled => OtlpEndpoint is not null;
}
