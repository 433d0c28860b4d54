namespace MailCluster.Cli.Admin;

/// <summary>Left-aligned columns padded to the widest cell; numbers are right-aligned so they line up.</summary>
public static class TextTable
{
    public static void Write(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, header.Count).Select(c => all.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
        foreach (var row in all)
        {
            var cells = row.Select((cell, c) => IsNumber(cell) && row != header ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
            output.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }

    private static bool IsNumber(string cell) => cell.Length > 0 && cell.All(ch => char.IsDigit(ch) || ch is '.' or '-');

    /// <summary>"42s", "17m", "3h", "2d": how long ago, for people.</summary>
    public static string Age(double? seconds) => seconds switch
    {
        null => "-",
        < 120 => $"{seconds:0}s",
        < 7200 => $"{seconds / 60:0}m",
        < 172800 => $"{seconds / 3600:0}h",
        _ => $"{seconds / 86400:0}d",
    };
}
