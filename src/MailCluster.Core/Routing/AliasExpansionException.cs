namespace MailCluster.Core.Routing;

/// <summary>
/// Alias expansion gave up (too deep or too wide). Permanent: retrying gives the same answer, so the caller
/// bounces the recipient with <see cref="EnhancedStatus"/>.
/// </summary>
public sealed class AliasExpansionException(string recipient, string message) : Exception(message)
{
    public string Recipient { get; } = recipient;

    /// <summary>RFC 3463 5.4.6: routing loop detected.</summary>
    public string EnhancedStatus => "5.4.6";
}
