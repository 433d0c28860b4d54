using MailCluster.Core.Policy;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Core.Tests;

public sealed class LocalDomainRecipientPolicyTests
{
    private readonly LocalDomainRecipientPolicy _policy = new(["localhost", "local.test"]);

    private PolicyVerdict Check(string path)
    {
        Assert.True(MailPathParser.TryParse(path, false, out var parsed, out _, out var error), error);
        return _policy.Check(parsed);
    }

    [Theory]
    [InlineData("<user@localhost>", "permit-local-domains")]
    [InlineData("<User@Local.TEST.>", "permit-local-domains")]
    [InlineData("<postmaster>", "postmaster")]
    [InlineData("<user%foreign.example@local.test>", "permit-local-domains")]
    [InlineData("<foreign.example!user@local.test>", "permit-local-domains")]
    public void Local_recipients_are_permitted(string path, string rule)
    {
        var verdict = Check(path);
        Assert.IsType<Permit>(verdict);
        Assert.Equal(rule, verdict.Rule);
    }

    [Theory]
    [InlineData("<user@foreign.example>")]
    [InlineData("<@local.test:user@foreign.example>")]
    [InlineData("<\"user@local.test\"@foreign.example>")]
    [InlineData("<user@[127.0.0.1]>")]
    [InlineData("<user@localhost.foreign.example>")]
    public void Everything_else_is_relay_denied(string path)
    {
        var verdict = Assert.IsType<Reject>(Check(path));
        Assert.Equal(554, verdict.Reply.Code);
        Assert.Equal("5.7.1", verdict.Reply.EnhancedCode);
    }
}
