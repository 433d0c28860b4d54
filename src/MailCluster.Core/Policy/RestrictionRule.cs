namespace MailCluster.Core.Policy;

/// <summary>The rules a recipient restriction list may name, in Postfix's spirit (smtpd_relay_restrictions).</summary>
public enum RestrictionRule
{
    PermitMynetworks,
    PermitSaslAuthenticated,
    PermitLocalDomains,
    PermitRelayDomains,
    RejectUnauthDestination,
    RejectUnknownLocalRecipient,
    RejectRblClient,
    Permit,
    Reject,
    Defer,
}

public static class RestrictionRuleNames
{
    private static readonly Dictionary<string, RestrictionRule> ByName = Enum.GetValues<RestrictionRule>()
        .ToDictionary(Name, r => r);

    /// <summary>The HOCON spelling: PermitMynetworks → "permit-mynetworks".</summary>
    public static string Name(RestrictionRule rule) =>
        string.Concat(rule.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static bool TryParse(string name, out RestrictionRule rule) => ByName.TryGetValue(name.Trim().ToLowerInvariant(), out rule);

    public static IEnumerable<string> All => ByName.Keys;
}
