using System.Text;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Delivery;

/// <summary>Local domains are delivered into Maildir folders under data-dir, with aliases expanded.</summary>
public sealed class LocalDeliveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static string NewDir(TestNode node, string user) => Path.Combine(node.DataDir, "maildir", "local.test", user, "Maildir", "new");

    private static Task<bool> HasFiles(string dir, int count) =>
        Task.FromResult(Directory.Exists(dir) && Directory.GetFiles(dir).Length >= count);

    [Fact]
    public async Task Mailboxes_and_aliases_get_one_maildir_file_each()
    {
        await using var node = await TestNode.StartAsync(Config("""
            mailcluster.local-recipients {
              mailboxes = ["alice@local.test", "bob@local.test", "carol@local.test"]
              aliases { "team@local.test" = ["alice@local.test", "bob@local.test"] }
            }
            """));
        var body = Body("team news");

        await SendAsync(node, "sender@origin.test", ["team@local.test", "carol@local.test", "Alice@LOCAL.test"], body);

        foreach (var user in new[] { "alice", "bob", "carol" })
            await WaitUntilAsync(() => HasFiles(NewDir(node, user), 1), Wait, $"{user} has mail");
        var file = Directory.GetFiles(NewDir(node, "alice")).Single();
        var stored = await File.ReadAllBytesAsync(file);
        var text = Encoding.UTF8.GetString(stored);
        Assert.StartsWith("Return-Path: <sender@origin.test>\r\n", text);
        Assert.Contains("Delivered-To: alice@local.test\r\n", text);
        Assert.EndsWith(Encoding.UTF8.GetString(body), text);
        await WaitForEmptySpoolAsync(node, Wait);
        Assert.Single(Directory.GetFiles(NewDir(node, "alice")));
    }

    [Fact]
    public async Task Local_mailboxes_can_be_handed_to_an_lmtp_server_instead()
    {
        await using var lmtp = MailCluster.TestSupport.SmtpSink.Start(new MailCluster.TestSupport.SmtpSinkOptions
        {
            Lmtp = true,
            LmtpRecipientReply = (_, rcpt) => rcpt.StartsWith("full@") ? "452 4.2.2 Mailbox full" : null,
        });
        await using var node = await TestNode.StartAsync(Config($"mailcluster.routing.local-transport = \"lmtp:[127.0.0.1]:{lmtp.Port}\""));

        await SendAsync(node, "sender@origin.test", ["alice@local.test", "full@local.test"], Body("via lmtp"));

        var got = Assert.Single(await lmtp.WaitForMessagesAsync(1, Wait));
        Assert.Equal(["alice@local.test"], got.Recipients);
        Assert.False(Directory.Exists(Path.Combine(node.DataDir, "maildir")));
        // The refused recipient stays queued for a retry; the delivered one left the spool.
        await WaitUntilAsync(async () => (await node.Spool.LoadAsync((await node.Spool.ListQueueIdsAsync()).Single()))!.Recipients
            .SequenceEqual(["full@local.test"]), Wait, "only the deferred recipient is left");
    }
}
