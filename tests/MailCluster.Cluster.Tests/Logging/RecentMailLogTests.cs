using MailCluster.Cluster.Logging;
using MailCluster.Cluster.Logging.Recent;

namespace MailCluster.Cluster.Tests.Logging;

public sealed class MailTraceIndexTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);

    private static TracedEvent Line(int second, string name, params (string Key, string Value)[] fields) =>
        new(T0.AddSeconds(second), "node1", "Info", name, fields.ToDictionary(f => f.Key, f => f.Value));

    [Fact]
    public void A_message_trace_starts_with_its_session_and_follows_it_into_its_dsn()
    {
        var index = new MailTraceIndex();
        index.Add(Line(0, MailEvents.Connect, ("session_id", "S1"), ("client_ip", "192.0.2.1")));
        index.Add(Line(1, MailEvents.Helo, ("session_id", "S1"), ("helo", "peer.example")));
        index.Add(Line(2, MailEvents.Accepted, ("queue_id", "Q1"), ("session_id", "S1")));
        index.Add(Line(3, MailEvents.Accepted, ("queue_id", "Q2"), ("session_id", "S1")));
        index.Add(Line(4, MailEvents.Bounced, ("queue_id", "Q1"), ("to", "x@example.com")));
        index.Add(Line(5, MailEvents.DsnQueued, ("queue_id", "Q1"), ("dsn_queue_id", "D1")));
        index.Add(Line(6, MailEvents.Disconnect, ("session_id", "S1")));

        Assert.Equal([MailEvents.Connect, MailEvents.Helo, MailEvents.Accepted, MailEvents.Bounced, MailEvents.DsnQueued],
            index.For("Q1").Select(e => e.Event));
        // The second message of the session has the session's lines too, but not the first message's.
        Assert.Equal([MailEvents.Connect, MailEvents.Helo, MailEvents.Accepted], index.For("Q2").Select(e => e.Event));
        Assert.Equal([MailEvents.DsnQueued], index.For("D1").Select(e => e.Event));
        Assert.Empty(index.For("nope"));
    }

    [Fact]
    public void It_stays_bounded_dropping_the_oldest_messages_first()
    {
        var index = new MailTraceIndex(maxMessages: 3, maxEventsPerId: 2);
        for (var i = 0; i < 5; i++) index.Add(Line(i, MailEvents.Accepted, ("queue_id", $"Q{i}")));
        for (var i = 0; i < 5; i++) index.Add(Line(10 + i, MailEvents.Deferred, ("queue_id", "Q4")));
        Assert.Empty(index.For("Q0"));
        Assert.Empty(index.For("Q1"));
        Assert.Single(index.For("Q2"));
        Assert.Equal(2, index.For("Q4").Count);
    }
}

public sealed class RecentRefusalsLogTests
{
    private static TracedEvent Line(string name, params (string Key, string Value)[] fields) =>
        new(DateTimeOffset.UnixEpoch, "node1", "Info", name, fields.ToDictionary(f => f.Key, f => f.Value));

    [Fact]
    public void Only_refusals_are_kept_and_grouped_by_rule_with_their_clients()
    {
        var log = new RecentRefusalsLog(capacity: 3);
        log.Add(Line(MailEvents.Policy, ("verdict", "permit"), ("rule", "permit-mynetworks"), ("client_ip", "10.0.0.1")));
        log.Add(Line(MailEvents.Accepted, ("queue_id", "Q1")));
        log.Add(Line(MailEvents.Policy, ("verdict", "reject"), ("rule", "reject-rbl-client"), ("client_ip", "192.0.2.9")));
        log.Add(Line(MailEvents.Policy, ("verdict", "defer"), ("rule", "reject-rbl-client"), ("client_ip", "192.0.2.9")));
        log.Add(Line(MailEvents.Reject, ("client_ip", "198.51.100.1"), ("reason", "bare LF in DATA")));
        Assert.Equal(3, log.All().Count);

        var groups = MailCluster.Cluster.Admin.RecentMailLogEndpoints.Group(log.All());
        Assert.Equal(["reject-rbl-client", "reject: bare LF in DATA"], groups.Select(g => g.Rule));
        Assert.Equal([new MailCluster.Cluster.Admin.ClientCount("192.0.2.9", 2)], groups[0].Clients);

        log.Add(Line(MailEvents.AuthLockout, ("client_ip", "203.0.113.5")));
        Assert.Equal(3, log.All().Count); // bounded: the oldest went
    }
}
