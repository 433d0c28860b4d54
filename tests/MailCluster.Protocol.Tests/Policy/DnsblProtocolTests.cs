using System.Net;
using MailCluster.TestSupport;

namespace MailCluster.Protocol.Tests.Policy;

/// <summary>reject-rbl-client against a DNS stub on loopback: the node asks only the configured server.</summary>
public sealed class DnsblProtocolTests : IAsyncLifetime
{
    /// <summary>127.0.0.1 reversed under the zone.</summary>
    private const string LoopbackEntry = "1.0.0.127.bl.test";

    private readonly DnsStubServer _stub = DnsStubServer.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _stub.DisposeAsync();

    private Task<TestNode> StartAsync(string extra = "") => TestNode.StartAsync($$"""
        mailcluster.policy.dnsbl {
          zones = ["bl.test"]
          servers = ["{{_stub.Endpoint}}"]
          timeout = 1s
          attempts = 1
        }
        {{extra}}
        """);

    private static async Task<RawSmtpClient> MailAsync(TestNode node)
    {
        var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        Assert.StartsWith("250", await client.CommandAsync("EHLO listed.example\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<someone@example.net>\r\n"));
        return client;
    }

    [Fact]
    public async Task A_listed_client_gets_554_naming_the_zone_but_postmaster_still_works()
    {
        _stub.AddA(LoopbackEntry, IPAddress.Parse("127.0.0.2"));
        _stub.AddTxt(LoopbackEntry, "listed for testing");
        await using var node = await StartAsync();
        await using var client = await MailAsync(node);

        var reply = await client.CommandAsync("RCPT TO:<alice@local.test>\r\n");
        Assert.StartsWith("554 5.7.1", reply);
        Assert.Contains("bl.test", reply);
        Assert.Contains("[127.0.0.1]", reply);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<postmaster@local.test>\r\n"));
        Assert.Contains(_stub.Queries, q => string.Equals(q.Name.TrimEnd('.'), LoopbackEntry, StringComparison.OrdinalIgnoreCase));

        var stored = await PolicyTestKit.StoredAsync(node, await PolicyTestKit.SendDataAsync(client));
        Assert.Equal(["postmaster@local.test"], stored.Recipients);
    }

    [Fact]
    public async Task Relay_denial_comes_before_the_dnsbl_check()
    {
        _stub.AddA(LoopbackEntry, IPAddress.Parse("127.0.0.2"));
        await using var node = await StartAsync();
        await using var client = await MailAsync(node);
        var reply = await client.CommandAsync("RCPT TO:<victim@foreign.example>\r\n");
        Assert.StartsWith("554 5.7.1 Relay access denied", reply);
        Assert.Equal(0, _stub.QueriesReceived);
    }

    [Fact]
    public async Task A_clean_client_is_accepted()
    {
        await using var node = await StartAsync();
        await using var client = await MailAsync(node);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<alice@local.test>\r\n"));
        Assert.True(_stub.QueriesReceived >= 1);
    }

    [Fact]
    public async Task A_servfail_defers_with_451_never_permits()
    {
        _stub.ServFail(LoopbackEntry);
        await using var node = await StartAsync();
        await using var client = await MailAsync(node);
        Assert.StartsWith("451 4.7.1", await client.CommandAsync("RCPT TO:<alice@local.test>\r\n"));
        // A failure is not cached: the next RCPT asks again, and still defers.
        Assert.StartsWith("451 4.7.1", await client.CommandAsync("RCPT TO:<bob@local.test>\r\n"));
        Assert.StartsWith("503", await client.CommandAsync("DATA\r\n"));
    }

    [Fact]
    public async Task An_unanswered_query_defers_with_451()
    {
        _stub.Drop(LoopbackEntry);
        await using var node = await StartAsync();
        await using var client = await MailAsync(node);
        Assert.StartsWith("451 4.7.1", await client.CommandAsync("RCPT TO:<alice@local.test>\r\n"));
    }

    [Fact]
    public async Task An_answer_outside_127_8_is_not_a_listing_and_defers()
    {
        _stub.AddA(LoopbackEntry, IPAddress.Parse("192.0.2.80"));
        await using var node = await StartAsync();
        await using var client = await MailAsync(node);
        Assert.StartsWith("451 4.7.1", await client.CommandAsync("RCPT TO:<alice@local.test>\r\n"));
    }

    [Fact]
    public async Task A_dead_dnsbl_does_not_delay_trusted_clients_or_relay_denials()
    {
        _stub.Drop(LoopbackEntry);
        await using var node = await TestNode.StartAsync($$"""
            mailcluster.policy.dnsbl { zones = ["bl.test"], servers = ["{{_stub.Endpoint}}"], timeout = 2s, attempts = 1 }
            mailcluster.smtp.listeners.trusted { endpoint = "127.0.0.1:0", policy.recipient-restrictions = [permit-local-domains, reject-unauth-destination, reject-rbl-client] }
            """);
        await using var client = await MailAsync(node);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.StartsWith("554 5.7.1 Relay access denied", await client.CommandAsync("RCPT TO:<victim@foreign.example>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<postmaster@local.test>\r\n"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");

        // On a listener whose list permits local domains first, local mail does not wait for the dead list either.
        await using var other = await RawSmtpClient.ConnectAsync(node.Host.Endpoints["trusted"]);
        await other.CommandAsync("EHLO peer.example\r\n");
        await other.CommandAsync("MAIL FROM:<someone@example.net>\r\n");
        watch.Restart();
        Assert.StartsWith("250", await other.CommandAsync("RCPT TO:<alice@local.test>\r\n"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        Assert.Equal(0, _stub.QueriesReceived);
    }

    [Fact]
    public async Task Trusted_clients_are_permitted_before_the_dnsbl_is_consulted()
    {
        _stub.AddA(LoopbackEntry, IPAddress.Parse("127.0.0.2"));
        await using var node = await StartAsync("mailcluster.policy.mynetworks = [\"127.0.0.0/8\"]");
        await using var client = await MailAsync(node);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<alice@local.test>\r\n"));
        Assert.Equal(0, _stub.QueriesReceived);
    }
}
