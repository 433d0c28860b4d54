using MailCluster.Cluster.Hosting;
using MailCluster.Cluster.Queue;

namespace MailCluster.Cluster.Tests.Queue;

/// <summary>queue.double-bounce-recipient: "postmaster" resolves to a local domain's postmaster, "" is off, junk is a path-keyed error.</summary>
public sealed class DoubleBounceSettingsTests
{
    private static (NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Load(string hocon) => SettingsUnderTest.Load(hocon);

    [Theory]
    [InlineData("", "postmaster@localhost")]
    [InlineData("mailcluster.local-domains = [\"example.com\", \"example.org\"]", "postmaster@example.com")]
    [InlineData("mailcluster.queue.double-bounce-recipient = Postmaster", "postmaster@localhost")]
    [InlineData("mailcluster.queue.double-bounce-recipient = \"hostmaster@example.net\"", "hostmaster@example.net")]
    [InlineData("mailcluster.queue.double-bounce-recipient = \"\"", null)]
    public void The_recipient_resolves(string hocon, string? expected)
    {
        var (settings, problems) = Load(hocon);
        Assert.Empty(problems);
        Assert.Equal(expected, settings!.Queue.DoubleBounceRecipient);
    }

    [Theory]
    [InlineData("\"not an address\"")]
    [InlineData("\"@example.com\"")]
    [InlineData("\"a@b, c@d\"")]
    public void A_bad_recipient_is_an_error_at_its_path(string value)
    {
        var (settings, problems) = Load($"mailcluster.queue.double-bounce-recipient = {value}");
        Assert.Null(settings);
        Assert.Contains(problems, p => p.Path == "mailcluster.queue.double-bounce-recipient" && p.Reason.Contains("not an address"));
    }

    [Theory]
    [InlineData("01J0000000000000", false)]            // an ordinary queue id
    [InlineData("01J0000000000000B1A2B3C4D", false)]   // a bounce
    [InlineData("01J0000000000000W1A2B3C4D", false)]   // a delay warning
    [InlineData("01J0000000000000D1A2B3C4D", true)]    // a double-bounce notice
    [InlineData("01J0000000000000B1A2B3C4DD0F0F0F0F", true)]
    public void Double_bounce_notices_are_known_by_their_id(string queueId, bool expected)
    {
        Assert.Equal(expected, BounceIds.IsDoubleBounceNotice(queueId));
        if (expected) return;
        Assert.True(BounceIds.IsDoubleBounceNotice(BounceIds.For(queueId, "smtp:[127.0.0.1]:25", ["a@b"], BounceIds.DoubleBounce)));
    }
}
