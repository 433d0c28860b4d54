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
}
