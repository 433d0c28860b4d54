using System.Net;
using MailCluster.Core.SenderAuth;

namespace MailCluster.Cluster.SenderAuth;

/// <summary>mailcluster.sender-auth: the checks made on mail from clients that are not ours, and the rules that act on them.</summary>
/// <param name="AuthservId">Names us in Authentication-Results (RFC 8601); the same on every node of a cluster.</param>
/// <param name="DnsServers">Resolvers for key and policy lookups; empty: the system's.</param>
/// <param name="Restrictions">Evaluated in order at the end of DATA; the first with an answer decides.</param>
/// <param name="PublicSuffixListPath">A newer list than the one shipped; empty: the shipped one.</param>
public sealed record SenderAuthSettings(
    bool Enabled,
    string AuthservId,
    bool VerifyDkim,
    int MaxSignatures,
    IReadOnlyList<IPEndPoint> DnsServers,
    TimeSpan DnsTimeout,
    int DnsAttempts)
{
    public bool VerifySpf { get; init; } = true;
    public bool VerifyDmarc { get; init; } = true;
    public IReadOnlyList<SenderAuthRule> Restrictions { get; init; } = [SenderAuthRule.RejectDmarcPolicy];
    public string PublicSuffixListPath { get; init; } = "";
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    public bool VerifyArc { get; init; } = true;
    /// <summary>Forwarders (the d= of the last ARC-Seal) whose verified chain lets mail that fails DMARC pass it.</summary>
    public IReadOnlySet<string> TrustedArcSealers { get; init; } = new HashSet<string>();
    public PublicSuffixList PublicSuffixes { get; init; } = PublicSuffixList.Default;
}
