using System.Security.Cryptography;
using System.Text;

namespace MailCluster.Core.Delivery.Local;

/// <summary>
/// Maildir file names and mailbox path segments.
/// </summary>
public static class MaildirName
{
    /// <summary>
    /// A unique file name, "seconds.MmicrosPpidRrandom.host,S=size" (the form Dovecot writes). The time and pid
    /// follow the Maildir convention; 64 random bits make a collision between cluster nodes or fast retries
    /// practically impossible, and the writer opens with CreateNew anyway. ",S=" lets readers skip a stat for quota.
    /// </summary>
    public static string Unique(DateTimeOffset now, string hostName, long size)
    {
        var ticks = now.ToUnixTimeMilliseconds() * 1000 + (now.Ticks % TimeSpan.TicksPerMillisecond) / 10;
        var seconds = ticks / 1_000_000;
        var micros = ticks % 1_000_000;
        var random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return $"{seconds}.M{micros}P{Environment.ProcessId}R{random}.{EscapeHost(hostName)},S={size}";
    }

    /// <summary>'/' and ':' would break the path or the ":2,flags" suffix; the Maildir spec escapes them in octal.</summary>
    public static string EscapeHost(string hostName)
    {
        var host = string.IsNullOrEmpty(hostName) ? "localhost" : hostName;
        return host.Replace("/", "\\057").Replace(":", "\\072");
    }

    /// <summary>
    /// The directory name for a local part or domain, or why there is none. Case is folded (mailboxes are
    /// case-insensitive here, as in <c>LocalRecipientTable</c>); a quoted local part loses its quotes.
    /// </summary>
    public static bool TryMakeSegment(string text, out string segment, out string reason)
    {
        segment = "";
        var value = text;
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = Unquote(value[1..^1]);
        value = value.ToLowerInvariant();
        reason = value switch
        {
            "" => "it is empty",
            _ when value.Contains('/') || value.Contains('\\') => "it contains a path separator",
            _ when value.Any(char.IsControl) => "it contains a control character",
            _ when value.StartsWith('.') => "it starts with '.'",
            _ when value.Contains("..") => "it contains '..'",
            _ when Encoding.UTF8.GetByteCount(value) > 255 => "it is longer than a file name may be",
            _ => "",
        };
        if (reason.Length > 0) return false;
        segment = value;
        return true;
    }

    private static string Unquote(string quoted)
    {
        var sb = new StringBuilder(quoted.Length);
        for (var i = 0; i < quoted.Length; i++)
        {
            if (quoted[i] == '\\' && i + 1 < quoted.Length) i++;
            sb.Append(quoted[i]);
        }
        return sb.ToString();
    }
}
