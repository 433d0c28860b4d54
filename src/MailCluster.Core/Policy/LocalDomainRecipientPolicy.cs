using MailCluster.Smtp.Protocol;

namespace MailCluster.Core.Policy;

/// <summary>
/// The foundation's recipient rule: accept mail for the local domains and for bare "postmaster", refuse everything
/// else with 554 5.7.1, so a node is never an open relay. The full restriction lists replace this in the relay-policy work.
/// Percent hacks and bang paths inside a local-domain address stay local: the domain after the last '@' decides.
/// </summary>
public sealed class LocalDomainRecipientPolicy(IEnumerable<string> localDomains)
{
    private readonly HashSet<string> _localDomains = localDomains.ToHashSet(StringComparer.OrdinalIgnoreCase);

    public PolicyVerdict Check(MailPath recipient)
    {
        if (recipient.IsBarePostmaster) return new Permit("postmaster");
        if (recipient.IsDomainLiteral) return new Reject(Replies.RelayDenied, "reject-domain-literal");
        return _localDomains.Contains(recipient.Domain)
            ? new Permit("permit-local-domains")
            : new Reject(Replies.RelayDenied, "reject-unauth-destination");
    }
}
