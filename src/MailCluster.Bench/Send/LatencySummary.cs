namespace MailCluster.Bench.Send;

/// <summary>Accept-latency percentiles in milliseconds (nearest-rank). Count 0 means no message was accepted.</summary>
public sealed record LatencySummary(int Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs)
{
    public static LatencySummary From(IEnumerable<double> samplesMs)
    {
        var sorted = samplesMs.Order().ToArray();
        if (sorted.Length == 0) return new LatencySummary(0, 0, 0, 0, 0);

        double Percentile(double p) => Math.Round(sorted[Math.Max(0, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)], 3);
        return new LatencySummary(sorted.Length, Percentile(50), Percentile(90), Percentile(99), Percentile(100));
    }
}
