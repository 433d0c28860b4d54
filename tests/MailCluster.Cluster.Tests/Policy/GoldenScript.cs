using System.Net;
using MailCluster.Cluster.Policy;
using MailCluster.Core.Dnsbl;

namespace MailCluster.Cluster.Tests.Policy;

/// <summary>
/// Golden policy scripts in the spirit of Postfix's smtpd_check.in/.ref. A NAME.in script runs against the policy
/// of NAME.conf, and its transcript must equal NAME.ref. Script lines:
///   listener NAME | client IP | helo NAME | auth LOGIN | auth - | dnsbl listed ZONE | dnsbl failed ZONE | dnsbl clean
///   mail ADDRESS | rcpt ADDRESS         (mail starts a new transaction; rcpt is checked against it)
///   # comment
/// Every mail and rcpt line writes one transcript line: "MAIL FROM &lt;a&gt;: permit [rule …]".
/// </summary>
public static class GoldenScript
{
    public static string Run(PolicySnapshot policy, string script)
    {
        var output = new List<string>();
        var listener = "mx";
        var client = IPAddress.Loopback;
        var helo = "client.example";
        string? auth = null;
        DnsblResult? dnsbl = null;
        string? sender = null;
        foreach (var raw in script.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var (verb, arg) = line.IndexOf(' ') is var sp and > 0 ? (line[..sp], line[(sp + 1)..].Trim()) : (line, "");
            output.Add("> " + line);
            switch (verb)
            {
                case "listener": listener = arg; break;
                case "client": client = IPAddress.Parse(arg); break;
                case "helo": helo = arg; break;
                case "auth": auth = arg == "-" ? null : arg; break;
                case "dnsbl": dnsbl = ParseDnsbl(arg); break;
                case "mail":
                    sender = arg;
                    var mail = PolicyProbe.Run(policy, new(listener, client, helo, arg, [], auth, dnsbl));
                    output.Add(mail[0].ToString());
                    if (mail[0].Verdict is not Core.Policy.Permit) sender = null;
                    break;
                case "rcpt":
                    if (sender is null) { output.Add("RCPT TO: 503 5.5.1 Need MAIL before RCPT"); break; }
                    output.Add(PolicyProbe.Run(policy, new(listener, client, helo, sender, [arg], auth, dnsbl))[1].ToString());
                    break;
                default: throw new FormatException($"unknown golden script verb '{verb}'");
            }
        }
        return string.Join('\n', output) + '\n';
    }

    private static DnsblResult? ParseDnsbl(string arg)
    {
        var parts = arg.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts[0] switch
        {
            "listed" => new Listed(parts[1], IPAddress.Parse("127.0.0.2"), null),
            "failed" => new LookupFailed(parts[1], "timeout"),
            _ => new NotListed(),
        };
    }
}
