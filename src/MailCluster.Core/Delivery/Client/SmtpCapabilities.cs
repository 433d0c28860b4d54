namespace MailCluster.Core.Delivery.Client;

/// <summary>What the server's EHLO/LHLO reply advertised (all false after a HELO fallback).</summary>
public sealed record SmtpCapabilities(
    bool Esmtp,
    bool Pipelining,
    bool StartTls,
    bool EightBitMime,
    bool SmtpUtf8,
    bool EnhancedStatusCodes,
    long? MaxSize,
    IReadOnlySet<string> Keywords)
{
    public static readonly SmtpCapabilities None = new(false, false, false, false, false, false, null, new HashSet<string>());

    /// <summary>Reads the extension lines of an EHLO reply (the first line is the greeting).</summary>
    public static SmtpCapabilities FromEhlo(SmtpResponse reply)
    {
        var keywords = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long? size = null;
        foreach (var line in reply.Lines.Skip(1))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            var keyword = parts[0].ToUpperInvariant();
            keywords.Add(keyword);
            if (keyword == "SIZE" && parts.Length > 1 && long.TryParse(parts[1], out var max) && max > 0) size = max;
        }
        return new SmtpCapabilities(
            true,
            keywords.Contains("PIPELINING"),
            keywords.Contains("STARTTLS"),
            keywords.Contains("8BITMIME"),
            keywords.Contains("SMTPUTF8"),
            keywords.Contains("ENHANCEDSTATUSCODES"),
            size,
            keywords);
    }
}
