using System.Text;

namespace MailCluster.Core.SenderAuth;

/// <summary>
/// The Authentication-Results: field (RFC 8601) our MX puts on top of a message: the authserv-id, then one folded
/// line per method result with the properties a reader (or a filter) needs.
/// </summary>
public static class AuthenticationResultsHeader
{
    public static byte[] Build(string authservId, SenderAuthReport report)
    {
        var lines = new List<string>();
        foreach (var v in report.Dkim)
        {
            var line = new StringBuilder("dkim=").Append(v.Result.Name()).Append(" reason=").Append(Quote(v.Reason));
            if (v.Domain is not null) line.Append(" header.d=").Append(Value(v.Domain));
            if (v.Selector is not null) line.Append(" header.s=").Append(Value(v.Selector));
            if (v.Algorithm is not null) line.Append(" header.a=").Append(Value(v.Algorithm));
            if (v.SignaturePrefix is { Length: > 0 }) line.Append(" header.b=").Append(Quote(v.SignaturePrefix));
            lines.Add(line.ToString());
        }
        // RFC 8601 2.2: with no signature checked, the method says "none".
        if (report.Dkim.Count == 0) lines.Add("dkim=none");
        if (report.MailFrom is { } spf) lines.Add($"spf={spf.Result.Name()} reason={Quote(spf.Reason)} smtp.mailfrom={Value(spf.Domain)}");
        if (report.Helo is { } helo) lines.Add($"spf={helo.Result.Name()} reason={Quote(helo.Reason)} smtp.helo={Value(helo.Domain)}");
        if (report.Arc is { } arc)
            lines.Add($"arc={arc.Result.Name()}" + (arc.Instances > 0 ? $" (i={arc.Instances}{(arc.Sealer is null ? "" : $" sealer={arc.Sealer}")})" : "") +
                      $" reason={Quote(arc.Reason)}");
        if (report.Dmarc is { } dmarc)
        {
            var policy = dmarc.Requested is { } p ? $" (p={p.ToString().ToLowerInvariant()} dis={dmarc.Disposition.ToString().ToLowerInvariant()})" : "";
            lines.Add($"dmarc={dmarc.Result.Name()}{policy} reason={Quote(dmarc.Reason)}" +
                      (dmarc.FromDomain is { } from ? $" header.from={Value(from)}" : ""));
        }
        return Encoding.ASCII.GetBytes($"Authentication-Results: {authservId};\r\n\t{string.Join(";\r\n\t", lines)}\r\n");
    }

    /// <summary>A value (RFC 2045 token), or a quoted-string when it holds anything else.</summary>
    private static string Value(string text) =>
        text.Length > 0 && text.All(c => c > ' ' && c < 127 && "()<>@,;:\\\"/[]?=".IndexOf(c) < 0) ? text : Quote(text);

    private static string Quote(string text)
    {
        var safe = new string(text.Where(c => c >= ' ' && c < 127).ToArray());
        return "\"" + safe.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
