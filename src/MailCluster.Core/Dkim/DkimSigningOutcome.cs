namespace MailCluster.Core.Dkim;

/// <summary>
/// What outbound signing did with one message, naming the rule that decided, for the mail log and the metrics.
/// <see cref="Headers"/> are the DKIM-Signature: fields to put on top of the message (CRLF line endings), or empty.
/// </summary>
/// <param name="Reason">Why signing failed (<see cref="Failed"/> only).</param>
public sealed record DkimSigningOutcome(string Rule, string? Domain, IReadOnlyList<string> Selectors, byte[] Headers, string? Reason = null)
{
    public const string Signed = "dkim-signed";
    public const string UntrustedClient = "dkim-skip-untrusted-client";
    public const string NoAuthorDomain = "dkim-skip-no-from-domain";
    public const string NoKey = "dkim-skip-no-key";
    public const string Failed = "dkim-sign-failed";

    public bool IsSigned => Rule == Signed;

    public static DkimSigningOutcome Skipped(string rule, string? domain = null) => new(rule, domain, [], []);
}
