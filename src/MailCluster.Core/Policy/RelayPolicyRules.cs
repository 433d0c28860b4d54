namespace MailCluster.Core.Policy;

/// <summary>The node-wide facts restrictions consult: which domains we serve, whom we trust, which mailboxes exist.</summary>
public sealed record RelayPolicyRules(
    IReadOnlySet<string> LocalDomains,
    IReadOnlySet<string> RelayDomains,
    NetworkList Mynetworks,
    LocalRecipientTable LocalRecipients)
{
    public bool IsLocalDomain(string domain) => LocalDomains.Contains(domain);
    public bool IsRelayDomain(string domain) => RelayDomains.Contains(domain);
}

/// <summary>What one listener enforces (the master.cf-style overrides).</summary>
/// <param name="RecipientRestrictions">Evaluated in order for every RCPT; the first rule with an answer decides.</param>
/// <param name="RequireAuth">Submission style: MAIL needs a successful AUTH first.</param>
/// <param name="RejectLocalSenderSpoofing">An untrusted, unauthenticated client may not use a local domain in MAIL FROM.</param>
/// <param name="EnforceSenderLogin">An authenticated client may only use the sender addresses of its login.</param>
public sealed record ListenerPolicy(
    IReadOnlyList<RestrictionRule> RecipientRestrictions,
    bool RequireAuth,
    bool RejectLocalSenderSpoofing,
    bool EnforceSenderLogin)
{
    public static IReadOnlyList<RestrictionRule> DefaultRecipientRestrictions { get; } =
    [
        RestrictionRule.PermitMynetworks,
        RestrictionRule.PermitSaslAuthenticated,
        RestrictionRule.RejectUnauthDestination,
        RestrictionRule.RejectRblClient,
        RestrictionRule.RejectUnknownLocalRecipient,
    ];

    public static ListenerPolicy Default { get; } = new(DefaultRecipientRestrictions, false, true, false);

    public bool ChecksDnsbl => RecipientRestrictions.Contains(RestrictionRule.RejectRblClient);

    /// <summary>
    /// A list that can reach its end (an implicit permit) without passing a relay check would relay for anyone.
    /// Like Postfix, refuse such a list: it must contain reject-unauth-destination, reject or defer.
    /// </summary>
    public static bool CanOpenRelay(IReadOnlyList<RestrictionRule> list) =>
        !list.Any(r => r is RestrictionRule.RejectUnauthDestination or RestrictionRule.Reject or RestrictionRule.Defer)
        || list.TakeWhile(r => r is not (RestrictionRule.RejectUnauthDestination or RestrictionRule.Reject or RestrictionRule.Defer))
               .Contains(RestrictionRule.Permit);
}
