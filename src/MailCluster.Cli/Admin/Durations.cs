using System.Globalization;

namespace MailCluster.Cli.Admin;

/// <summary>"90", "90s", "15m", "2h", "3d" as seconds.</summary>
public static class Durations
{
    public static double Seconds(string text, string option)
    {
        var t = text.Trim();
        var (number, unit) = t.Length > 0 && char.IsLetter(t[^1]) ? (t[..^1], t[^1]) : (t, 's');
        var factor = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
        if (factor == 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
            throw new UsageException($"{option} '{text}' is not a duration such as 90s, 15m, 2h or 3d");
        return value * factor;
    }
}
