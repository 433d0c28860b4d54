using System.Text;

namespace MailCluster.Bench.Idle;

/// <summary>Result of an idle run; memory figures are null when no --pid was given.</summary>
public sealed record IdleReport(
    int Requested,
    int Opened,
    int StillOpenAtQuit,
    double OpenSeconds,
    string? FirstError,
    double? RssBeforeMb,
    double? RssWithSessionsMb,
    double? RssAfterCloseMb)
{
    public string ToText()
    {
        var text = new StringBuilder()
            .AppendLine($"sessions requested   {Requested}")
            .AppendLine($"sessions opened      {Opened} (in {OpenSeconds:F2} s)")
            .AppendLine($"still open at QUIT   {StillOpenAtQuit}");
        if (FirstError is not null) text.AppendLine($"first error          {FirstError}");
        if (RssBeforeMb is { } before)
        {
            text.AppendLine($"rss before           {Mb(RssBeforeMb)}");
            var perSession = RssWithSessionsMb is { } with && Opened > 0
                ? $"  (+{with - before:F1} MB, {(with - before) * 1024 / Opened:F1} KB/session)"
                : "";
            text.AppendLine($"rss with sessions    {Mb(RssWithSessionsMb)}{perSession}");
            text.AppendLine($"rss ~5 s after close {Mb(RssAfterCloseMb)}");
        }
        return text.ToString().TrimEnd();
    }

    private static string Mb(double? value) => value is { } v ? $"{v:F1} MB" : "n/a (process gone)";
}
