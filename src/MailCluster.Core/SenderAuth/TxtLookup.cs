namespace MailCluster.Core.SenderAuth;

public enum TxtLookupStatus
{
    /// <summary>The name has TXT records (possibly none of the kind looked for).</summary>
    Found,
    /// <summary>NXDOMAIN, or the name exists without TXT records: a definite "nothing published".</summary>
    NotFound,
    /// <summary>Timeout, SERVFAIL, refused: no answer, which never counts as "nothing published".</summary>
    TempError,
}

/// <summary>One TXT lookup's answer; each record's strings are joined (RFC 7208 3.3, RFC 6376 3.6.2.2).</summary>
public sealed record TxtLookup(TxtLookupStatus Status, IReadOnlyList<string> Records, string? Error = null)
{
    public static TxtLookup NotFound { get; } = new(TxtLookupStatus.NotFound, []);
    public static TxtLookup Failed(string error) => new(TxtLookupStatus.TempError, [], error);
}

/// <summary>TXT lookups for the sender-authentication checks, answered from a cache that honours the records' TTLs.</summary>
public interface ITxtResolver
{
    Task<TxtLookup> LookupTxtAsync(string name, CancellationToken ct);
}
