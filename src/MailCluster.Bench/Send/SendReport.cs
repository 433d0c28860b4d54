using System.Text;
using System.Text.Json;

namespace MailCluster.Bench.Send;

/// <summary>Final result of a send run, printed as aligned text or as one JSON object (--json).</summary>
public sealed record SendReport(
    int Messages,
    int Concurrency,
    int SizeBytes,
    int MessagesPerConnection,
    double ElapsedSeconds,
    double AcceptRatePerSecond,
    long Accepted,
    long Rejected4xx,
    long Rejected5xx,
    long ConnectionErrors,
    LatencySummary AcceptLatency,
    string? FirstError)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public bool AllAccepted => Accepted == Messages;

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public string ToText()
    {
        var latency = AcceptLatency.Count == 0
            ? "n/a (nothing accepted)"
            : $"p50 {AcceptLatency.P50Ms:F2}  p90 {AcceptLatency.P90Ms:F2}  p99 {AcceptLatency.P99Ms:F2}  max {AcceptLatency.MaxMs:F2}";
        var text = new StringBuilder()
            .AppendLine($"messages           {Messages}")
            .AppendLine($"concurrency        {Concurrency}")
            .AppendLine($"size               {SizeBytes} bytes")
            .AppendLine($"msgs/connection    {MessagesPerConnection}")
            .AppendLine($"elapsed            {ElapsedSeconds:F2} s")
            .AppendLine($"accept rate        {AcceptRatePerSecond:F1} msg/s")
            .AppendLine($"accept latency ms  {latency}")
            .AppendLine($"accepted           {Accepted}")
            .AppendLine($"rejected 4xx       {Rejected4xx}")
            .AppendLine($"rejected 5xx       {Rejected5xx}")
            .AppendLine($"connection errors  {ConnectionErrors}");
        if (FirstError is not null) text.AppendLine($"first error        {FirstError}");
        return text.ToString().TrimEnd();
    }
}
