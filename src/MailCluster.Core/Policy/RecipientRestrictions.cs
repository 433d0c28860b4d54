using MailCluster.Core.Dnsbl;

namespace MailCluster.Core.Policy;

/// <summary>
/// Evaluates a recipient restriction list. Pure: same request, same rules, same verdict. The first rule that has an
/// answer decides; a list that ends without one permits (a list that could do so without a relay check is refused
/// at config time, see <see cref="ListenerPolicy.CanOpenRelay"/>). Postmaster is always accepted (RFC 5321 4.5.1).
/// </summary>
public static class RecipientRestrictions
{
    public static PolicyVerdict Evaluate(PolicyRequest request, RelayPolicyRules rules, IReadOnlyList<RestrictionRule> list)
    {
        var rcpt = request.Recipient ?? throw new ArgumentException("recipient required", nameof(request));
        if (rcpt.IsBarePostmaster || (IsPostmaster(rcpt) && rules.IsLocalDomain(rcpt.Domain)))
            return new Permit("postmaster");
        foreach (var rule in list)
            if (Apply(rule, request, rcpt, rules) is { } verdict)
                return verdict;
        return new Permit("end-of-list");
    }

    /// <summary>
    /// Whether evaluation would reach reject-rbl-client: false when postmaster or an earlier rule already decides
    /// (a trusted or authenticated client, a relay denial), so the caller need not wait for a DNSBL lookup.
    /// </summary>
    public static bool NeedsDnsbl(PolicyRequest request, RelayPolicyRules rules, IReadOnlyList<RestrictionRule> list)
    {
        var rcpt = request.Recipient ?? throw new ArgumentException("recipient required", nameof(request));
        if (rcpt.IsBarePostmaster || (IsPostmaster(rcpt) && rules.IsLocalDomain(rcpt.Domain)))
            return false;
        foreach (var rule in list)
        {
            if (rule == RestrictionRule.RejectRblClient) return true;
            if (Apply(rule, request, rcpt, rules) is not null) return false;
        }
        return false;
    }

    private static bool IsPostmaster(Smtp.Protocol.MailPath p) => string.Equals(p.LocalPart, "postmaster", StringComparison.OrdinalIgnoreCase);

    /// <returns>A verdict, or null when the rule has nothing to say ("dunno").</returns>
    private static PolicyVerdict? Apply(RestrictionRule rule, PolicyRequest request, Smtp.Protocol.MailPath rcpt, RelayPolicyRules rules)
    {
        var name = RestrictionRuleNames.Name(rule);
        var routed = SenderRouting.IsPresent(rcpt);
        return rule switch
        {
            RestrictionRule.PermitMynetworks when rules.Mynetworks.Contains(request.ClientIp) => new Permit(name),
            RestrictionRule.PermitSaslAuthenticated when request.AuthenticatedUser is not null => new Permit(name),
            RestrictionRule.PermitLocalDomains when !routed && rules.IsLocalDomain(rcpt.Domain) => new Permit(name),
            RestrictionRule.PermitRelayDomains when !routed && rules.IsRelayDomain(rcpt.Domain) => new Permit(name),
            RestrictionRule.RejectUnauthDestination when routed || !(rules.IsLocalDomain(rcpt.Domain) || rules.IsRelayDomain(rcpt.Domain)) =>
                new Reject(PolicyReplies.RelayDenied, name),
            RestrictionRule.RejectUnknownLocalRecipient when rules.IsLocalDomain(rcpt.Domain) && !rules.LocalRecipients.Exists(rcpt.LocalPart, rcpt.Domain) =>
                new Reject(PolicyReplies.UnknownLocalRecipient, name),
            RestrictionRule.RejectRblClient => Dnsbl(request, name),
            RestrictionRule.Permit => new Permit(name),
            RestrictionRule.Reject => new Reject(PolicyReplies.ExplicitReject, name),
            RestrictionRule.Defer => new Defer(PolicyReplies.ExplicitDefer, name),
            _ => null,
        };
    }

    /// <summary>A failed lookup defers; it never permits.</summary>
    private static PolicyVerdict? Dnsbl(PolicyRequest request, string name) => request.Dnsbl switch
    {
        Listed listed => new Reject(PolicyReplies.Blocked(request.ClientIp, listed.Zone, listed.Text), $"{name}:{listed.Zone}"),
        LookupFailed failed => new Defer(PolicyReplies.DnsblUnavailable(request.ClientIp), $"{name}:{failed.Zone}"),
        _ => null,
    };
}
