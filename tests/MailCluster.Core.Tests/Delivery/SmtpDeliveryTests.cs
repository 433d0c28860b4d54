using System.Net;
using MailCluster.Core.Delivery;
using MailCluster.Core.Delivery.Client;
using MailCluster.Core.Delivery.Dns;
using MailCluster.TestSupport;
using static MailCluster.Core.Tests.Delivery.DeliveryTestKit;

namespace MailCluster.Core.Tests.Delivery;

/// <summary>
/// <see cref="SmtpConnector"/> and <see cref="SmtpDelivery"/>: DNS from the stub, every MX host pointed at
/// loopback addresses and the sink's port. Only 127.0.0.1 listens; 127.0.0.2/3 refuse connections.
/// </summary>
public sealed class SmtpDeliveryTests : IAsyncLifetime
{
    private static readonly IPAddress Listening = IPAddress.Loopback;
    private static readonly IPAddress Refusing = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress AlsoRefusing = IPAddress.Parse("127.0.0.3");

    private readonly DnsStubServer _dns = DnsStubServer.Start();
    private readonly SmtpSink _sink = SmtpSink.Start();
    private readonly MxResolver _resolver;

    public SmtpDeliveryTests() => _resolver = new MxResolver([_dns.Endpoint], TimeSpan.FromSeconds(2), 0);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        await _dns.DisposeAsync();
    }

    private Task<IReadOnlyList<RecipientResult>> Deliver(SmtpRoute route, OutboundMessage message, SmtpDeliveryOptions? options = null) =>
        SmtpDelivery.DeliverAsync(route, message, _resolver, options ?? Fast);

    [Fact]
    public async Task Mx_hosts_are_tried_in_preference_order_until_one_answers()
    {
        _dns.AddMx("dest.test", 10, "mx1.dest.test");
        _dns.AddMx("dest.test", 20, "mx2.dest.test");
        _dns.AddMx("dest.test", 30, "mx3.dest.test");
        _dns.AddA("mx1.dest.test", Refusing);
        _dns.AddA("mx2.dest.test", AlsoRefusing, Listening);
        _dns.AddA("mx3.dest.test", Listening);

        var results = await Deliver(SmtpRoute.Mx("dest.test", _sink.Port), Message("a@dest.test"));

        var result = results.Single();
        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Equal("mx2.dest.test", result.RemoteMta);
        Assert.Equal(1, _sink.ConnectionCount);
    }

    [Fact]
    public async Task Domain_without_mx_is_delivered_to_its_own_address()
    {
        _dns.AddA("plain.test", Listening);

        var results = await Deliver(SmtpRoute.Mx("plain.test", _sink.Port), Message("a@plain.test"));

        Assert.Equal((DeliveryStatus.Delivered, "plain.test"), (results.Single().Status, results.Single().RemoteMta));
        Assert.Single(_sink.Messages);
    }

    [Fact]
    public async Task Null_mx_fails_every_recipient_with_5_1_10()
    {
        _dns.AddNullMx("nomail.test");

        var results = await Deliver(SmtpRoute.Mx("nomail.test", _sink.Port), Message("a@nomail.test", "b@nomail.test"));

        Assert.All(results, r => Assert.Equal((DeliveryStatus.Failed, "5.1.10"), (r.Status, r.EnhancedStatus)));
        Assert.Equal(0, _sink.ConnectionCount);
    }

    [Fact]
    public async Task Nxdomain_fails_every_recipient()
    {
        var results = await Deliver(SmtpRoute.Mx("unknown.test", _sink.Port), Message("a@unknown.test"));

        Assert.Equal((DeliveryStatus.Failed, "5.1.2"), (results.Single().Status, results.Single().EnhancedStatus));
    }

    [Fact]
    public async Task Servfail_defers_every_recipient()
    {
        _dns.ServFail("broken.test");

        var results = await Deliver(SmtpRoute.Mx("broken.test", _sink.Port), Message("a@broken.test"));

        Assert.Equal((DeliveryStatus.Deferred, "4.4.3"), (results.Single().Status, results.Single().EnhancedStatus));
    }

    [Fact]
    public async Task All_targets_refusing_connections_defers_with_4_4_1()
    {
        _dns.AddMx("dest.test", 10, "mx1.dest.test");
        _dns.AddMx("dest.test", 20, "mx2.dest.test");
        _dns.AddA("mx1.dest.test", Refusing);
        _dns.AddA("mx2.dest.test", AlsoRefusing);

        var results = await Deliver(SmtpRoute.Mx("dest.test", _sink.Port), Message("a@dest.test", "b@dest.test"));

        Assert.All(results, r => Assert.Equal((DeliveryStatus.Deferred, "4.4.1"), (r.Status, r.EnhancedStatus)));
        Assert.Equal($"connect to mx2.dest.test[127.0.0.3]:{_sink.Port}: Connection refused", results[0].Diagnostic);
    }

    [Theory]
    [InlineData("421 4.3.2 too busy")]
    [InlineData("554 5.3.2 not now")]
    public async Task A_refused_greeting_is_skipped_for_a_later_mx_that_works(string banner)
    {
        var connections = 0;
        await using var picky = SmtpSink.Start(new SmtpSinkOptions
        {
            // The first connection is refused at the greeting, later ones are welcome.
            BannerReply = _ => Interlocked.Increment(ref connections) == 1 ? banner : null,
        });
        _dns.AddMx("dest.test", 10, "mx1.dest.test");
        _dns.AddMx("dest.test", 20, "mx2.dest.test");
        _dns.AddA("mx1.dest.test", Listening);
        _dns.AddA("mx2.dest.test", Listening);

        var results = await Deliver(SmtpRoute.Mx("dest.test", picky.Port), Message("a@dest.test"));

        Assert.Equal((DeliveryStatus.Delivered, "mx2.dest.test"), (results.Single().Status, results.Single().RemoteMta));
        Assert.Equal(2, picky.ConnectionCount);
    }

    [Theory]
    [InlineData("421 4.3.2 too busy", DeliveryStatus.Deferred, "4.3.2")]
    [InlineData("554 5.3.2 not now", DeliveryStatus.Failed, "5.3.2")]
    public async Task When_every_greeting_is_refused_the_last_refusal_decides(string banner, DeliveryStatus status, string enhanced)
    {
        await using var refusing = SmtpSink.Start(new SmtpSinkOptions { BannerReply = _ => banner });

        var connection = await SmtpConnector.ConnectAsync(SmtpRoute.Literal("127.0.0.1", refusing.Port), _resolver, Fast);

        Assert.False(connection.Connected);
        Assert.Equal((status, enhanced, "smtp; " + banner), (connection.Failure!.Status, connection.Failure.EnhancedStatus, connection.Failure.Diagnostic));
    }

    [Fact]
    public async Task Literal_ip_route_needs_no_dns()
    {
        var results = await Deliver(SmtpRoute.Parse($"[127.0.0.1]:{_sink.Port}"), Message("a@anywhere.test"));

        Assert.Equal((DeliveryStatus.Delivered, "127.0.0.1"), (results.Single().Status, results.Single().RemoteMta));
        Assert.Empty(_dns.Queries);
    }

    [Fact]
    public async Task Literal_host_route_looks_up_addresses_but_not_mx()
    {
        _dns.AddA("relay.test", Listening);
        _dns.AddMx("relay.test", 10, "elsewhere.test");

        var results = await Deliver(SmtpRoute.Parse($"[relay.test]:{_sink.Port}"), Message("a@anywhere.test"));

        Assert.Equal((DeliveryStatus.Delivered, "relay.test"), (results.Single().Status, results.Single().RemoteMta));
        Assert.DoesNotContain(_dns.Queries, q => q.Type == DnsRecordType.Mx);
    }

    [Fact]
    public async Task Connector_client_carries_several_messages()
    {
        _dns.AddMx("dest.test", 10, "mx.dest.test");
        _dns.AddA("mx.dest.test", Listening);

        var connection = await SmtpConnector.ConnectAsync(SmtpRoute.Mx("dest.test", _sink.Port), _resolver, Fast);
        Assert.True(connection.Connected);
        await using (var client = connection.Client!)
        {
            for (var i = 0; i < 5; i++)
                Assert.Equal(DeliveryStatus.Delivered, (await client.DeliverAsync(Message($"r{i}@dest.test"))).Single().Status);
            await client.QuitAsync();
        }

        Assert.Equal(1, _sink.ConnectionCount);
        Assert.Equal(5, _sink.MessageCount);
    }

    [Fact]
    public async Task Connector_failure_is_a_template_for_every_recipient()
    {
        _dns.AddNullMx("nomail.test");

        var connection = await SmtpConnector.ConnectAsync(SmtpRoute.Mx("nomail.test"), _resolver, Fast);

        Assert.False(connection.Connected);
        var results = connection.Failure!.For(["a@nomail.test", "b@nomail.test"]);
        Assert.Equal(["a@nomail.test", "b@nomail.test"], results.Select(r => r.Recipient));
        Assert.All(results, r => Assert.Equal(DeliveryStatus.Failed, r.Status));
    }

    [Fact]
    public async Task Opportunistic_tls_is_used_end_to_end()
    {
        await using var tls = SmtpSink.Start(new SmtpSinkOptions { StartTls = true });

        var results = await Deliver(SmtpRoute.Literal("127.0.0.1", tls.Port), Message("a@dest.test"));

        Assert.Equal(DeliveryStatus.Delivered, results.Single().Status);
        Assert.True(tls.Messages.Single().IsTls);
    }

    [Fact]
    public async Task Failed_opportunistic_tls_handshake_is_retried_in_plaintext()
    {
        // A certificate without its private key: the sink offers STARTTLS but every handshake fails.
        using var keyless = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(SelfSignedCertificate.SinkTest.RawData);
        await using var broken = SmtpSink.Start(new SmtpSinkOptions { StartTls = true, Certificate = keyless });

        var results = await Deliver(SmtpRoute.Literal("127.0.0.1", broken.Port), Message("a@dest.test"));
        var required = await Deliver(SmtpRoute.Literal("127.0.0.1", broken.Port), Message("b@dest.test"), Fast with { TlsMode = SmtpTlsMode.Required });

        Assert.Equal(DeliveryStatus.Delivered, results.Single().Status);
        Assert.False(broken.Messages.Single().IsTls);
        Assert.Equal((DeliveryStatus.Deferred, "4.7.5"), (required.Single().Status, required.Single().EnhancedStatus));
        Assert.Equal(3, broken.ConnectionCount);
    }

    [Fact]
    public async Task Cancellation_throws_and_leaves_the_client_unusable()
    {
        await using var slow = SmtpSink.Start(new SmtpSinkOptions { DataEndReply = _ => SmtpSink.Stall });
        var connection = await SmtpConnector.ConnectAsync(SmtpRoute.Literal("127.0.0.1", slow.Port), _resolver, Fast);
        await using var client = connection.Client!;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.DeliverAsync(Message("a@dest.test"), cancel.Token));

        Assert.False(client.IsUsable);
    }
}
