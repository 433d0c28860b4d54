using System.Globalization;
using System.Net;
using System.Text;

namespace MailCluster.Core.Messages;

/// <summary>
/// Builds the Received: trace header (RFC 5321 4.4). The client IP comes from the socket, never from
/// anything the client said; the HELO name is shown as claimed, sanitised so it cannot break the header.
/// </summary>
public static class ReceivedHeader
{
    /// <param name="tls">The session's TLS, e.g. "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384", shown as Postfix does
    /// ("(using …)" before "by"); null for a plaintext session.</param>
    public static byte[] Build(string heloName, IPAddress clientIp, string ourHost, string protocol, string queueId,
        string? singleRecipient, DateTimeOffset at, string? tls = null)
    {
        var ip = clientIp.IsIPv4MappedToIPv6 ? clientIp.MapToIPv4() : clientIp;
        var literal = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"IPv6:{ip}" : ip.ToString();
        var sb = new StringBuilder();
        sb.Append("Received: from ").Append(Sanitize(heloName)).Append(" ([").Append(literal).Append("])\r\n");
        if (tls is not null) sb.Append("\t(using ").Append(tls).Append(")\r\n");
        sb.Append("\tby ").Append(ourHost).Append(" (MailCluster) with ").Append(protocol).Append(" id ").Append(queueId);
        // Only a single recipient is named, as Postfix does, so a multi-recipient message does not disclose Bcc.
        if (singleRecipient is not null) sb.Append("\r\n\tfor <").Append(Sanitize(singleRecipient)).Append('>');
        sb.Append("; ").Append(FormatDate(at)).Append("\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>RFC 5322 date-time, e.g. "Sat, 28 Nov 2026 04:44:08 +0000".</summary>
    public static string FormatDate(DateTimeOffset at)
    {
        var offset = at.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return at.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + $"{sign}{abs.Hours:00}{abs.Minutes:00}";
    }

    private static string Sanitize(string text)
    {
        var chars = text.Take(255).Select(c => c is '(' or ')' or '\\' or '<' or '>' or ';' || char.IsControl(c) || char.IsWhiteSpace(c) ? '_' : c);
        return new string(chars.ToArray());
    }
}
