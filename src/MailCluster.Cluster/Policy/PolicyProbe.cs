using System.Net;
using MailCluster.Core.Dnsbl;
using MailCluster.Core.Policy;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Cluster.Policy;

/// <summary>One scripted check for "mailctl policy test" and the golden tests: what would the node answer?</summary>
public sealed record PolicyProbeRequest(
    string Listener,
    IPAddress ClientIp,
    string HeloName,
    string Sender,
    IReadOnlyList<string> Recipients,
    string? AuthenticatedUser,
    DnsblResult? Dnsbl = null);

public sealed record PolicyProbeLine(string Stage, string Address, PolicyVerdict Verdict)
{
    public override string ToString()
    {
        var (kind, reply) = Verdict switch
        {
            Reject r => ("reject", " " + r.Reply),
            Defer d => ("defer", " " + d.Reply),
            _ => ("permit", ""),
        };
        return $"{Stage} {Address}: {kind}{reply} [rule {Verdict.Rule}]";
    }
}

/// <summary>
/// Runs the same parsing and the same pure restriction functions as a live session, against a policy snapshot.
/// Address syntax errors are reported as the session would (501 5.5.4).
/// </summary>
public static class PolicyProbe
{
    public static IReadOnlyList<PolicyProbeLine> Run(PolicySnapshot policy, PolicyProbeRequest probe)
    {
        var lines = new List<PolicyProbeLine>();
        if (!MailPathParser.TryParse(Bracket(probe.Sender), true, out var sender, out _, out var senderError))
        {
            lines.Add(new("MAIL FROM", Bracket(probe.Sender), new Reject(Replies.SyntaxError($"Bad sender address syntax: {senderError}"), "syntax")));
            return lines;
        }
        var listener = policy.For(probe.Listener);
        var baseRequest = new PolicyRequest(probe.ClientIp, probe.HeloName, sender, null, probe.AuthenticatedUser, probe.Dnsbl);
        var senderVerdict = SenderRestrictions.Evaluate(baseRequest, policy.Rules, listener, policy.Users);
        lines.Add(new("MAIL FROM", sender.ToString(), senderVerdict));
        if (senderVerdict is not Permit) return lines;
        foreach (var to in probe.Recipients)
        {
            if (!MailPathParser.TryParse(Bracket(to), false, out var rcpt, out _, out var rcptError))
            {
                lines.Add(new("RCPT TO", Bracket(to), new Reject(Replies.SyntaxError($"Bad recipient address syntax: {rcptError}"), "syntax")));
                continue;
            }
            lines.Add(new("RCPT TO", rcpt.ToString(), RecipientRestrictions.Evaluate(baseRequest with { Recipient = rcpt }, policy.Rules, listener.RecipientRestrictions)));
        }
        return lines;
    }

    private static string Bracket(string address) => address.StartsWith('<') ? address : $"<{address}>";
}
