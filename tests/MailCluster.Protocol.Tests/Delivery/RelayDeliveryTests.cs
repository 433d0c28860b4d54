using Akka.Actor;
using System.Net;
using System.Text;
using MailCluster.TestSupport;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Delivery;

/// <summary>Accepted mail leaves through the queues: to a relay route, to an MX found in DNS, with retries.</summary>
public sealed class RelayDeliveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Mail_for_a_relay_domain_reaches_its_route_byte_identical_apart_from_our_trace_header()
    {
        await using var sink = SmtpSink.Start();
        await using var node = await TestNode.StartAsync(Config($$"""mailcluster.routing.transports { "relay.test" = "{{SinkRoute(sink)}}" }"""));
        var body = Body("relay", "line one\r\n.leading dot\r\n..two dots\r\n\u00e9t\u00e9 8-bit\r\n");

        await SendAsync(node, "sender@origin.test", ["user@relay.test"], body);

        var got = Assert.Single(await sink.WaitForMessagesAsync(1, Wait));
        Assert.Equal("sender@origin.test", got.MailFrom);
        Assert.Equal(["user@relay.test"], got.Recipients);
        Assert.Equal(body, WithoutTraceHeader(got.Content));
        Assert.Contains("[127.0.0.1]", Encoding.UTF8.GetString(got.Content).Split("\r\n").First(l => l.StartsWith("Received:", StringComparison.Ordinal)));
        await WaitForEmptySpoolAsync(node, Wait);
    }

    [Fact]
    public async Task Mail_for_other_domains_goes_to_the_mx_found_in_dns()
    {
        await using var dns = DnsStubServer.Start();
        await using var sink = SmtpSink.Start();
        dns.AddMx("faraway.test", 20, "backup.faraway.test");
        dns.AddMx("faraway.test", 10, "mx1.faraway.test");
        dns.AddA("mx1.faraway.test", IPAddress.Loopback);
        dns.AddA("backup.faraway.test", IPAddress.Parse("127.0.0.2"));
        await using var node = await TestNode.StartAsync(Config($$"""
            mailcluster.policy.mynetworks = ["127.0.0.0/8"]
            mailcluster.delivery.smtp.port = {{sink.Port}}
            """, dns.Endpoint.ToString()));

        await SendAsync(node, "sender@origin.test", ["someone@faraway.test"], Body("mx"));

        var got = Assert.Single(await sink.WaitForMessagesAsync(1, Wait));
        Assert.Equal(["someone@faraway.test"], got.Recipients);
        Assert.Contains(dns.Queries, q => q.Name.TrimEnd('.') == "faraway.test");
    }

    [Fact]
    public async Task A_temporary_failure_is_retried_until_it_succeeds()
    {
        var attempts = 0;
        await using var sink = SmtpSink.Start(new SmtpSinkOptions
        {
            DataEndReply = _ => Interlocked.Increment(ref attempts) <= 2 ? "451 4.3.0 Try again later" : null,
        });
        await using var node = await TestNode.StartAsync(Config($$"""mailcluster.routing.transports { "relay.test" = "{{SinkRoute(sink)}}" }"""));

        await SendAsync(node, "sender@origin.test", ["user@relay.test"], Body("retry"));

        Assert.Single(await sink.WaitForMessagesAsync(1, Wait));
        Assert.Equal(3, attempts);
        await WaitForEmptySpoolAsync(node, Wait);
    }

    [Fact]
    public async Task Several_messages_share_one_connection()
    {
        await using var sink = SmtpSink.Start();
        await using var node = await TestNode.StartAsync(Config($$"""
            mailcluster.routing.transports { "relay.test" = "{{SinkRoute(sink)}}" }
            mailcluster.queue { initial-concurrency = 1, max-concurrency = 1, defer-transports = ["smtp"] }
            """));
        for (var i = 0; i < 5; i++) await SendAsync(node, "sender@origin.test", ["user@relay.test"], Body($"batch {i}"));

        await node.Host.Queues.Ask<Cluster.Queue.QueueCommandDone>(new Cluster.Queue.FlushQueue(SinkRoute(sink)), Wait);

        Assert.Equal(5, (await sink.WaitForMessagesAsync(5, Wait)).Count);
        Assert.Equal(1, sink.ConnectionCount);
    }
}
