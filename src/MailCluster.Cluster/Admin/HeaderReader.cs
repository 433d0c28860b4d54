using System.Text;

namespace MailCluster.Cluster.Admin;

/// <summary>The header fields of a stored message (up to the first empty line), unfolded, for display only.</summary>
public static class HeaderReader
{
    public static IReadOnlyList<HeaderView> Read(ReadOnlySpan<byte> content)
    {
        var end = content.IndexOf("\r\n\r\n"u8);
        var text = Encoding.UTF8.GetString(end >= 0 ? content[..(end + 2)] : content);
        var headers = new List<HeaderView>();
        foreach (var line in text.Split("\r\n"))
        {
            if (line.Length == 0) continue;
            if (line[0] is ' ' or '\t' && headers.Count > 0)
            {
                var last = headers[^1];
                headers[^1] = last with { Value = last.Value + " " + line.Trim() };
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon > 0) headers.Add(new HeaderView(line[..colon], line[(colon + 1)..].Trim()));
        }
        return headers;
    }
}
