using MailCluster.Core.Bounce;

namespace MailCluster.Core.Tests.Bounce;

public sealed class DsnPolicyTests
{
    [Theory]
    [InlineData("", false)]
    [InlineData("  ", false)]
    [InlineData("<>", false)]
    [InlineData("alice@example.org", true)]
    [InlineData("MAILER-DAEMON@example.org", true)]
    [InlineData("postmaster@example.org", true)]
    [InlineData("bounces+123@lists.example", true)]
    public void Only_the_null_sender_is_never_bounced(string sender, bool expected) =>
        Assert.Equal(expected, DsnPolicy.ShouldBounce(sender));
}
