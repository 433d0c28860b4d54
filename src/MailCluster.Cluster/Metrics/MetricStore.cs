using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace MailCluster.Cluster.Metrics;

/// <summary>
/// Running values per (instrument, label set): a total for counters and up-down counters, buckets plus sum and count
/// for histograms. Rendered in the Prometheus text format; counters get the conventional _total suffix.
/// </summary>
internal sealed class MetricStore(double[] buckets)
{
    private sealed class Series(int buckets)
    {
        public double Value;
        public readonly long[] BucketCounts = new long[buckets];
        public long Count;
    }

    private readonly object _lock = new();
    private readonly Dictionary<Instrument, SortedDictionary<string, Series>> _series = new();

    public void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        lock (_lock)
        {
            if (!_series.TryGetValue(instrument, out var byLabels)) _series[instrument] = byLabels = new(StringComparer.Ordinal);
            if (!byLabels.TryGetValue(labels, out var series)) byLabels[labels] = series = new Series(buckets.Length);
            // An observed value is the current reading, not an increment.
            if (instrument.IsObservable)
            {
                series.Value = value;
                return;
            }
            series.Value += value;
            series.Count++;
            for (var b = 0; b < buckets.Length; b++)
                if (value <= buckets[b]) series.BucketCounts[b]++;
        }
    }

    /// <summary>
    /// Reads the observable instruments afresh (under the store's lock, so two scrapes don't interleave) and renders.
    /// Their old series are dropped first: a label set no longer observed disappears instead of keeping its last value.
    /// </summary>
    public string Observe(Action recordObservables)
    {
        lock (_lock)
        {
            foreach (var instrument in _series.Keys.Where(i => i.IsObservable).ToList()) _series.Remove(instrument);
            recordObservables();
            return Render();
        }
    }

    public string Render()
    {
        var text = new StringBuilder();
        lock (_lock)
        {
            foreach (var (instrument, byLabels) in _series.OrderBy(s => s.Key.Name, StringComparer.Ordinal))
            {
                var (type, name) = instrument switch
                {
                    Counter<long> or Counter<double> => ("counter", instrument.Name + "_total"),
                    Histogram<long> or Histogram<double> => ("histogram", instrument.Name),
                    _ => ("gauge", instrument.Name),
                };
                text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description?.Replace("\n", " ")).Append('\n');
                text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
                foreach (var (labels, series) in byLabels)
                {
                    if (type != "histogram")
                    {
                        Line(text, name, labels, series.Value);
                        continue;
                    }
                    for (var b = 0; b < buckets.Length; b++)
                        Line(text, name + "_bucket", Join(labels, $"le=\"{Number(buckets[b])}\""), series.BucketCounts[b]);
                    Line(text, name + "_bucket", Join(labels, "le=\"+Inf\""), series.Count);
                    Line(text, name + "_sum", labels, series.Value);
                    Line(text, name + "_count", labels, series.Count);
                }
            }
        }
        return text.ToString();
    }

    private static void Line(StringBuilder text, string name, string labels, double value) =>
        text.Append(name).Append(labels.Length > 0 ? "{" + labels + "}" : "").Append(' ').Append(Number(value)).Append('\n');

    private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var pairs = new List<string>(tags.Length);
        foreach (var tag in tags) pairs.Add($"{tag.Key}=\"{Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")}\"");
        pairs.Sort(StringComparer.Ordinal);
        return string.Join(",", pairs);
    }

    private static string Escape(string value) => value.Replace("\\", @"\\").Replace("\"", "\\\"").Replace("\n", @"\n");

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
