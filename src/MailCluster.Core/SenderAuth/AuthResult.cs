namespace MailCluster.Core.SenderAuth;

/// <summary>The result values of RFC 8601 2.7 (one vocabulary for DKIM, SPF and DMARC).</summary>
public enum AuthResult
{
    None,
    Pass,
    Fail,
    SoftFail,
    Neutral,
    Policy,
    TempError,
    PermError,
}

public static class AuthResults
{
    public static string Name(this AuthResult result) => result.ToString().ToLowerInvariant();
}

/// <summary>
/// One DKIM signature's result (RFC 6376 6.1, reported as in RFC 8601 2.7.1): its d=, s=, a= and the start of its b=
/// (RFC 6008), so a message with several signatures says which passed.
/// </summary>
public sealed record DkimVerdict(AuthResult Result, string Reason, string? Domain, string? Selector, string? Algorithm, string? SignaturePrefix)
{
    public override string ToString() => $"dkim={Result.Name()} d={Domain} s={Selector} ({Reason})";
}
