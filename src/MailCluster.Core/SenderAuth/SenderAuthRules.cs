using MailCluster.Core.Policy;

namespace MailCluster.Core.SenderAuth;

/// <summary>The rules a postmaster lists in sender-auth.restrictions, evaluated at the end of DATA in order.</summary>
public enum SenderAuthRule
{
    /// <summary>DMARC fail and the domain's policy (after pct=) is reject: 550 5.7.1. Quarantine: the message is marked.</summary>
    RejectDmarcPolicy,
    /// <summary>SPF fail for MAIL FROM: 550 5.7.23 (RFC 7372).</summary>
    RejectSpfFail,
    /// <summary>Any check that could not get its DNS answer: 451 4.7.x, so the client retries later.</summary>
    DeferOnTempError,
}

/// <summary>The answer for one message: accept (possibly marked for quarantine) or refuse, naming the rule.</summary>
public sealed record SenderAuthDecision(PolicyVerdict? Refusal, string? QuarantineRule)
{
    public static SenderAuthDecision Accept { get; } = new(null, null);
}

/// <summary>Pure: the checks' report and the configured rules in, a decision out. A temperror never rejects.</summary>
public static class SenderAuthRules
{
    public const string QuarantineHeader = "X-MailCluster-Quarantine";

    public static string Name(this SenderAuthRule rule) => rule switch
    {
        SenderAuthRule.RejectDmarcPolicy => "reject-dmarc-policy",
        SenderAuthRule.RejectSpfFail => "reject-spf-fail",
        _ => "defer-on-temperror",
    };

    public static bool TryParse(string text, out SenderAuthRule rule)
    {
        foreach (var candidate in Enum.GetValues<SenderAuthRule>())
            if (candidate.Name() == text.Trim().ToLowerInvariant()) { rule = candidate; return true; }
        rule = default;
        return false;
    }

    public static SenderAuthDecision Decide(IReadOnlyList<SenderAuthRule> rules, SenderAuthReport report)
    {
        string? quarantine = null;
        foreach (var rule in rules)
        {
            switch (rule)
            {
                case SenderAuthRule.RejectDmarcPolicy when report.Dmarc is { Result: AuthResult.Fail } dmarc:
                    if (dmarc.Disposition == DmarcPolicy.Reject)
                        return new(new Reject(PolicyReplies.DmarcRejected(dmarc.FromDomain), rule.Name()), null);
                    if (dmarc.Disposition == DmarcPolicy.Quarantine) quarantine ??= rule.Name();
                    break;
                case SenderAuthRule.RejectDmarcPolicy when report.Dmarc is { Result: AuthResult.TempError }:
                    // The rule needs the answer and DNS did not give it: neither accept unchecked nor refuse for good.
                    return new(new Defer(PolicyReplies.DmarcUnavailable, rule.Name()), null);
                case SenderAuthRule.RejectSpfFail when report.MailFrom is { Result: AuthResult.Fail } spf:
                    return new(new Reject(PolicyReplies.SpfFailed(spf.Reason), rule.Name()), null);
                case SenderAuthRule.RejectSpfFail when report.MailFrom is { Result: AuthResult.TempError }:
                    return new(new Defer(PolicyReplies.SpfUnavailable, rule.Name()), null);
                case SenderAuthRule.DeferOnTempError when HasTempError(report):
                    return new(new Defer(PolicyReplies.SenderAuthUnavailable, rule.Name()), null);
            }
        }
        return quarantine is null ? SenderAuthDecision.Accept : new(null, quarantine);
    }

    private static bool HasTempError(SenderAuthReport report) =>
        report.Dkim.Any(v => v.Result == AuthResult.TempError)
        || report.MailFrom?.Result == AuthResult.TempError
        || report.Dmarc?.Result == AuthResult.TempError;
}
