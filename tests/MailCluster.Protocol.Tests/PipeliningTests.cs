using System.Text;

namespace MailCluster.Protocol.Tests;

public sealed class PipeliningTests(DefaultNodeFixture fixture) : IClassFixture<DefaultNodeFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task A_pipelined_batch_is_answered_in_order_and_carries_two_transactions()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        await client.SendAsync(
            "EHLO pipe.example\r\n" +
            "MAIL FROM:<a@example.org>\r\nRCPT TO:<one@localhost>\r\nRCPT TO:<nobody@foreign.example>\r\nRCPT TO:<two@localhost>\r\nDATA\r\n");
        var replies = await client.ReadRepliesAsync(6);
        Assert.StartsWith("250-mx.test", replies[0]);
        Assert.StartsWith("250 2.1.0", replies[1]);
        Assert.StartsWith("250 2.1.5", replies[2]);
        Assert.StartsWith("554 5.7.1", replies[3]);
        Assert.StartsWith("250 2.1.5", replies[4]);
        Assert.StartsWith("354", replies[5]);

        await client.SendAsync("Subject: 1\r\n\r\nfirst\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<postmaster>\r\nDATA\r\n");
        var second = await client.ReadRepliesAsync(4);
        Assert.StartsWith("250 2.0.0 Ok: queued as ", second[0]);
        Assert.StartsWith("250 2.1.0", second[1]);
        Assert.StartsWith("250 2.1.5", second[2]);
        Assert.StartsWith("354", second[3]);
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await client.CommandAsync("Subject: 2\r\n\r\nsecond\r\n.\r\n"));
        Assert.StartsWith("221 2.0.0", await client.CommandAsync("QUIT\r\n"));

        var first = await Node.Spool.LoadAsync(second[0].Split("queued as ")[1]);
        Assert.Equal(["one@localhost", "two@localhost"], first!.Recipients);
    }

    [Fact]
    public async Task Dot_stuffed_lines_are_unstuffed_and_8bit_bytes_kept()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        await client.CommandAsync("EHLO dots.example\r\n");
        await client.CommandAsync("MAIL FROM:<a@example.org> BODY=8BITMIME\r\n");
        await client.CommandAsync("RCPT TO:<user@localhost>\r\n");
        await client.CommandAsync("DATA\r\n");
        var reply = await client.CommandAsync("Subject: dots\r\n\r\n..one\r\n...\r\n..\r\nGrüße\r\n.\r\n");

        var stored = await Node.Spool.LoadAsync(reply.Split("queued as ")[1]);
        var text = Encoding.UTF8.GetString(stored!.Content.Span);
        Assert.EndsWith("Subject: dots\r\n\r\n.one\r\n..\r\n.\r\nGrüße\r\n", text);
    }

    [Fact]
    public async Task Bdat_chunks_build_one_message()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        await client.CommandAsync("EHLO chunks.example\r\n");
        await client.CommandAsync("MAIL FROM:<a@example.org>\r\n");
        await client.CommandAsync("RCPT TO:<user@localhost>\r\n");
        var part1 = "Subject: chunked\r\n\r\nfirst ";
        var part2 = "half\r\n.not stuffed\r\n";
        Assert.StartsWith("250", await client.CommandAsync($"BDAT {part1.Length}\r\n{part1}"));
        var reply = await client.CommandAsync($"BDAT {part2.Length} LAST\r\n{part2}");

        Assert.StartsWith("250 2.0.0 Ok: queued as", reply);
        var stored = await Node.Spool.LoadAsync(reply.Split("queued as ")[1]);
        Assert.EndsWith(part1 + part2, Encoding.UTF8.GetString(stored!.Content.Span));
    }
}
