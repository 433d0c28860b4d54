using System.Net;
using System.Text;
using MailCluster.Cluster.Hosting;
using MailCluster.Cluster.Policy;
using MailCluster.Cluster.SenderAuth;
using MailCluster.Core.Policy;
using MailCluster.Core.SenderAuth;

namespace MailCluster.Cli;

/// <summary>
/// "policy test --message FILE": what the node's end-of-DATA checks would find for this message from this client (SPF,
/// DKIM per signature, DMARC) and what the sender-auth rules would answer, with the node's own code and resolvers.
/// </summary>
internal static class SenderAuthTest
{
    /// <returns>Whether a rule would refuse the message.</returns>
    public static async Task<bool> RunAsync(NodeSettings settings, IPAddress ip, string helo, string from, string? auth, string file,
        CliConsole console, CancellationToken ct)
    {
        byte[] bytes;
        try { bytes = await File.ReadAllBytesAsync(file, ct); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new UsageException($"--message: {ex.Message}"); }
        if (new ClientTrust(settings.Policy.Rules.Mynetworks).IsOurs(ip, auth))
        {
            console.Out.WriteLine("data  not checked: the client is ours (mynetworks or authenticated); its mail is DKIM-signed, not checked");
            return false;
        }
        if (settings.SenderAuth is not { Enabled: true } checks)
        {
            console.Out.WriteLine("data  not checked: sender-auth.enabled = off");
            return false;
        }
        var sender = from.Trim('<', '>');
        var outcome = await InboundAuthentication.Create(checks).CheckAsync(ip, helo, sender, Crlf(bytes), ct);
        var report = outcome.Report;
        if (report.MailFrom is { } spf) console.Out.WriteLine($"data  spf={spf.Result.Name()} smtp.mailfrom={spf.Domain} ({spf.Reason})");
        if (report.Helo is { } h) console.Out.WriteLine($"data  spf={h.Result.Name()} smtp.helo={h.Domain} ({h.Reason})");
        if (report.Dkim.Count == 0) console.Out.WriteLine("data  dkim=none (no signature checked)");
        foreach (var d in report.Dkim) console.Out.WriteLine($"data  dkim={d.Result.Name()} d={d.Domain} s={d.Selector} a={d.Algorithm} ({d.Reason})");
        if (report.Arc is { } arc) console.Out.WriteLine($"data  arc={arc.Result.Name()} instances={arc.Instances} sealer={arc.Sealer} ({arc.Reason})");
        if (report.Dmarc is { } m)
            console.Out.WriteLine($"data  dmarc={m.Result.Name()} header.from={m.FromDomain}" +
                                  (m.Requested is { } p ? $" p={Lower(p)} dis={Lower(m.Disposition)}" : "") + $" ({m.Reason})");
        if (outcome.ForgedRemoved > 0) console.Out.WriteLine($"data  {outcome.ForgedRemoved} Authentication-Results claiming {checks.AuthservId} would be removed");
        var verdict = outcome.Decision.Refusal;
        var answer = verdict switch
        {
            Reject r => $"reject {r.Reply} (rule {r.Rule})",
            Defer d => $"defer {d.Reply} (rule {d.Rule})",
            _ when outcome.Decision.QuarantineRule is { } q => $"accept, quarantined (rule {q})",
            _ => "accept",
        };
        console.Out.WriteLine($"data  -> {answer}");
        return verdict is not null;
    }

    private static string Lower(DmarcPolicy policy) => policy.ToString().ToLowerInvariant();

    /// <summary>A message file saved with bare LF line ends is checked as it would travel over SMTP: CRLF.</summary>
    private static byte[] Crlf(byte[] bytes)
    {
        if (bytes.AsSpan().IndexOf((byte)'\n') < 0 || bytes.AsSpan().IndexOf("\r\n"u8) >= 0) return bytes;
        return Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(bytes).Replace("\n", "\r\n"));
    }
}
