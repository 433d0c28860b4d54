namespace MailCluster.Core.Policy;

/// <summary>
/// Which local addresses exist: mailboxes, alias names and optional catch-all domains. Empty means unknown
/// (every local part is accepted), as with Postfix's local_recipient_maps left empty.
/// </summary>
public sealed class LocalRecipientTable(IEnumerable<string> addresses, IEnumerable<string> catchAllDomains)
{
    private readonly HashSet<string> _addresses = addresses.Select(a => a.ToLowerInvariant()).ToHashSet();
    private readonly HashSet<string> _catchAll = catchAllDomains.Select(d => d.ToLowerInvariant()).ToHashSet();

    public static LocalRecipientTable Unknown { get; } = new([], []);

    public bool IsKnown => _addresses.Count > 0 || _catchAll.Count > 0;

    /// <summary>Local parts compare case-insensitively, as nearly every real mailbox store does.</summary>
    public bool Exists(string localPart, string domain) =>
        !IsKnown || _catchAll.Contains(domain) || _addresses.Contains($"{localPart}@{domain}".ToLowerInvariant());
}
