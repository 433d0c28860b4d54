using MailCluster.Core.Policy;
using MailCluster.Core.SenderAuth;

namespace MailCluster.Core.Tests.SenderAuth;

public sealed class SenderAuthRulesTests
{
    private static SenderAuthReport Report(AuthResult spf = AuthResult.None, AuthResult dmarc = AuthResult.None,
        DmarcPolicy disposition = DmarcPolicy.None, AuthResult dkim = AuthResult.None) =>
        new(dkim == AuthResult.None ? [] : [new DkimVerdict(dkim, "", "example.com", "s", "rsa-sha256", null)],
            new SpfVerdict(spf, SpfIdentity.MailFrom, "example.com", "why"), null,
            new DmarcVerdict(dmarc, "example.com", DmarcPolicy.Reject, disposition, ""));

    private static readonly SenderAuthRule[] All = [SenderAuthRule.RejectDmarcPolicy, SenderAuthRule.RejectSpfFail, SenderAuthRule.DeferOnTempError];

    [Fact]
    public void Each_rule_answers_only_what_it_is_about()
    {
        var dmarcReject = SenderAuthRules.Decide(All, Report(AuthResult.Fail, AuthResult.Fail, DmarcPolicy.Reject)).Refusal;
        Assert.Equal(("reject-dmarc-policy", 550, "5.7.1"), (dmarcReject!.Rule, ((Reject)dmarcReject).Reply.Code, ((Reject)dmarcReject).Reply.EnhancedCode));

        var spfOnly = SenderAuthRules.Decide([SenderAuthRule.RejectSpfFail], Report(AuthResult.Fail, AuthResult.Fail, DmarcPolicy.Reject)).Refusal;
        Assert.Equal("5.7.23", ((Reject)spfOnly!).Reply.EnhancedCode);

        Assert.Null(SenderAuthRules.Decide([SenderAuthRule.RejectDmarcPolicy], Report(AuthResult.Fail)).Refusal); // SPF fail alone: DMARC none
        Assert.Equal(SenderAuthDecision.Accept, SenderAuthRules.Decide([], Report(AuthResult.Fail, AuthResult.Fail, DmarcPolicy.Reject)));
    }

    [Fact]
    public void Quarantine_marks_and_a_disposition_of_none_accepts()
    {
        var quarantine = SenderAuthRules.Decide(All, Report(dmarc: AuthResult.Fail, disposition: DmarcPolicy.Quarantine));
        Assert.Equal((null, "reject-dmarc-policy"), (quarantine.Refusal, quarantine.QuarantineRule));
        Assert.Equal(SenderAuthDecision.Accept, SenderAuthRules.Decide(All, Report(dmarc: AuthResult.Fail, disposition: DmarcPolicy.None)));
    }

    [Fact]
    public void A_temperror_never_rejects_it_defers_when_a_rule_needs_the_answer()
    {
        var dmarc = SenderAuthRules.Decide([SenderAuthRule.RejectDmarcPolicy], Report(dmarc: AuthResult.TempError)).Refusal;
        Assert.IsType<Defer>(dmarc);
        Assert.Equal(451, ((Defer)dmarc!).Reply.Code);
        Assert.Equal("4.7.24", ((Defer)SenderAuthRules.Decide([SenderAuthRule.RejectSpfFail], Report(AuthResult.TempError)).Refusal!).Reply.EnhancedCode);
        Assert.Equal("defer-on-temperror", SenderAuthRules.Decide([SenderAuthRule.DeferOnTempError], Report(dkim: AuthResult.TempError)).Refusal!.Rule);
        // Nobody asked for the answer: accepted, the temperror recorded in Authentication-Results only.
        Assert.Equal(SenderAuthDecision.Accept, SenderAuthRules.Decide([SenderAuthRule.RejectSpfFail], Report(dkim: AuthResult.TempError)));
    }

    [Fact]
    public void Rule_names_round_trip_and_unknown_names_are_refused()
    {
        foreach (var rule in Enum.GetValues<SenderAuthRule>())
            Assert.True(SenderAuthRules.TryParse(rule.Name(), out var parsed) && parsed == rule);
        Assert.False(SenderAuthRules.TryParse("reject-dmarc", out _));
    }
}
