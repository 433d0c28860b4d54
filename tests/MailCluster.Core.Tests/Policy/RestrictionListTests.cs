using MailCluster.Core.Policy;

namespace MailCluster.Core.Tests.Policy;

public sealed class RestrictionListTests
{
    [Theory]
    [InlineData("permit-mynetworks", RestrictionRule.PermitMynetworks)]
    [InlineData("reject-unauth-destination", RestrictionRule.RejectUnauthDestination)]
    [InlineData("Reject-RBL-Client", RestrictionRule.RejectRblClient)]
    [InlineData("permit", RestrictionRule.Permit)]
    public void Rule_names_parse(string name, RestrictionRule expected)
    {
        Assert.True(RestrictionRuleNames.TryParse(name, out var rule));
        Assert.Equal(expected, rule);
        Assert.Equal(name.ToLowerInvariant(), RestrictionRuleNames.Name(rule));
    }

    [Fact]
    public void Lists_that_could_relay_for_anyone_are_recognised()
    {
        Assert.False(ListenerPolicy.CanOpenRelay(ListenerPolicy.DefaultRecipientRestrictions));
        Assert.True(ListenerPolicy.CanOpenRelay([RestrictionRule.PermitMynetworks, RestrictionRule.PermitLocalDomains]));
        Assert.True(ListenerPolicy.CanOpenRelay([RestrictionRule.Permit, RestrictionRule.RejectUnauthDestination]));
        Assert.False(ListenerPolicy.CanOpenRelay([RestrictionRule.PermitLocalDomains, RestrictionRule.Reject]));
    }

    [Theory]
    [InlineData("user%elsewhere.example", true)]
    [InlineData("elsewhere.example!user", true)]
    [InlineData("\"user@elsewhere.example\"", true)]
    [InlineData("\"user\\@elsewhere\"", true)]
    [InlineData("first.last", false)]
    [InlineData("\"with space\"", false)]
    public void Sender_routing_is_detected_in_plain_and_quoted_local_parts(string local, bool routed) =>
        Assert.Equal(routed, SenderRouting.IsPresent(new Smtp.Protocol.MailPath(local, "local.test")));
}
