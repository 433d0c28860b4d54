using MailCluster.TestSupport;
using MailCluster.TestSupport.Postgres;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Delivery;

/// <summary>The cluster storage: spool and queue journal on a real PostgreSQL (a private server on loopback).</summary>
public sealed class PostgresNodeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_node_on_postgresql_accepts_queues_and_delivers()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var sink = SmtpSink.Start();
        await using var node = await TestNode.StartAsync(Config($$"""
            mailcluster.storage { provider = postgresql, postgresql.connection-string = "{{connectionString}}" }
            mailcluster.routing.transports { "relay.test" = "{{SinkRoute(sink)}}" }
            """));
        var body = Body("on postgres");

        await SendAsync(node, "sender@origin.test", ["user@relay.test"], body);

        var got = Assert.Single(await sink.WaitForMessagesAsync(1, Wait));
        Assert.Equal(body, WithoutTraceHeader(got.Content));
        await WaitForEmptySpoolAsync(node, Wait);
        Assert.False(File.Exists(Path.Combine(node.DataDir, "mailcluster.db")));
    }

    [Fact]
    public async Task A_database_outage_answers_451_never_250()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await TestNode.StartAsync($$"""
            mailcluster.storage { provider = postgresql, postgresql.connection-string = "{{connectionString}}", write-timeout = 3s }
            mailcluster.queue.enqueue-timeout = 3s
            """);
        await postgres.StopServerAsync();

        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.org>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<user@localhost>\r\n"));
        Assert.StartsWith("354", await client.CommandAsync("DATA\r\n"));
        Assert.StartsWith("451 4.3.0", await client.CommandAsync("Subject: lost?\r\n\r\nno\r\n.\r\n"));
    }
}
