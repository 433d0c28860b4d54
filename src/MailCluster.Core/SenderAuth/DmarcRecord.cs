using MailCluster.Core.Dkim;

namespace MailCluster.Core.SenderAuth;

public enum DmarcPolicy
{
    None,
    Quarantine,
    Reject,
}

/// <summary>A DMARC policy record (RFC 7489 6.3): the policies, the alignment modes and the sampling percentage.</summary>
public sealed record DmarcRecord(DmarcPolicy Policy, DmarcPolicy? SubdomainPolicy, bool StrictDkim, bool StrictSpf, int Percent)
{
    /// <summary>RFC 7489 6.6.3: v=DMARC1 first; p= required (an unknown p= with a rua= is p=none); unknown tags ignored.</summary>
    public static DmarcRecord? Parse(string text)
    {
        if (!TagList.TryParse(text, out var list, out _)) return null;
        var tags = list.Tags.Select(t => (Name: t.Name.ToLowerInvariant(), t.Value)).ToList();
        if (tags.Count == 0 || tags[0] != ("v", "DMARC1")) return null;
        string? Tag(string name) => tags.FirstOrDefault(t => t.Name == name).Value;
        var policy = ParsePolicy(Tag("p"));
        if (policy is null)
        {
            if (Tag("rua") is null) return null;
            policy = DmarcPolicy.None;
        }
        var percent = int.TryParse(Tag("pct"), out var pct) ? Math.Clamp(pct, 0, 100) : 100;
        return new DmarcRecord(policy.Value, ParsePolicy(Tag("sp")), Tag("adkim")?.ToLowerInvariant() == "s", Tag("aspf")?.ToLowerInvariant() == "s", percent);
    }

    private static DmarcPolicy? ParsePolicy(string? text) => text?.ToLowerInvariant() switch
    {
        "none" => DmarcPolicy.None,
        "quarantine" => DmarcPolicy.Quarantine,
        "reject" => DmarcPolicy.Reject,
        _ => null,
    };
}

/// <summary>
/// DMARC's answer for one message: the result, the author (From:) domain, the policy the domain asks for on failure,
/// and the disposition after pct= sampling (what a rule such as reject-dmarc-policy acts on).
/// </summary>
public sealed record DmarcVerdict(AuthResult Result, string? FromDomain, DmarcPolicy? Requested, DmarcPolicy Disposition, string Reason)
{
    public override string ToString() => $"dmarc={Result.Name()} header.from={FromDomain} p={Requested} dis={Disposition} ({Reason})";
}
