using System.Text;

namespace MailCluster.Protocol.Tests;

/// <summary>BDAT (RFC 3030) edge cases over raw TCP: the zero-length LAST chunk and a client that hangs up on it.</summary>
public sealed class ChunkingTests
{
    private static async Task<RawSmtpClient> StartTransactionAsync(TestNode node)
    {
        var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO chunks.example\r\n");
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.org>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<user@localhost>\r\n"));
        return client;
    }

    [Fact]
    public async Task Bdat_0_last_after_a_chunk_is_answered_at_once_and_the_message_stored_once()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await StartTransactionAsync(node);
        var part = "Subject: zero last\r\n\r\nbody\r\n";
        Assert.StartsWith("250", await client.CommandAsync($"BDAT {part.Length}\r\n{part}"));

        // Nothing follows the zero-length LAST chunk: the reply must not wait for another byte from the client.
        await client.SendAsync("BDAT 0 LAST\r\n");
        var reply = await client.ReadReplyAsync(TimeSpan.FromSeconds(3));

        Assert.StartsWith("250 2.0.0 Ok: queued as", reply);
        var stored = Assert.Single(await node.StoredMessagesAsync());
        Assert.EndsWith(part, Encoding.UTF8.GetString(stored.Content.Span));
        Assert.StartsWith("250", await client.CommandAsync("NOOP\r\n"));
    }

    [Fact]
    public async Task Bdat_0_last_alone_is_answered_at_once()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await StartTransactionAsync(node);
        await client.SendAsync("BDAT 0 LAST\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as", await client.ReadReplyAsync(TimeSpan.FromSeconds(3)));
        Assert.Single(await node.StoredMessagesAsync());
    }

    [Fact]
    public async Task A_client_that_closes_right_after_bdat_0_last_gets_nothing_accepted()
    {
        await using var node = await TestNode.StartAsync();
        var client = await StartTransactionAsync(node);
        var part = "Subject: hang up\r\n\r\nbody\r\n";
        Assert.StartsWith("250", await client.CommandAsync($"BDAT {part.Length}\r\n{part}"));
        // Gone before reading the reply: to the client the transaction failed (RFC 5321 3.8: as 451).
        client.SendAndHangUp("BDAT 0 LAST\r\n");
        await client.DisposeAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await node.Host.ActiveSessionsAsync("mx") > 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(0, await node.Host.ActiveSessionsAsync("mx"));
        Assert.Empty(await node.StoredMessagesAsync());
    }
}
