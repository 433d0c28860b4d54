using System.Text;
using System.Text.RegularExpressions;
using MailCluster.Core.Spool;

namespace MailCluster.Node.Tests;

/// <summary>A message the node acknowledged with 250: what must be in the spool afterwards.</summary>
public sealed record SentMessage(string QueueId, string Sender, string[] Recipients, byte[] Body);

public static partial class SpoolAssert
{
    [GeneratedRegex(@"queued as ([0-9A-Z]{16})")]
    private static partial Regex QueuedAs();

    /// <summary>The queue id from a 250 reply; fails the test if the reply is not one.</summary>
    public static string QueueIdFrom(string reply)
    {
        var m = QueuedAs().Match(reply);
        Assert.True(m.Success, $"not a 'queued as' reply: {reply}");
        return m.Groups[1].Value;
    }

    /// <summary>Every acknowledged message is in the store at <paramref name="databasePath"/>, exactly as sent.</summary>
    public static async Task<IReadOnlyList<string>> QueueIdsAsync(string databasePath)
    {
        await using var spool = await SqliteMessageSpool.OpenAsync(new SqliteSpoolOptions(databasePath, TimeSpan.FromSeconds(5)));
        return await spool.ListQueueIdsAsync();
    }

    public static async Task AllStoredAsync(string databasePath, IReadOnlyCollection<SentMessage> sent, string heloName)
    {
        await using var spool = await SqliteMessageSpool.OpenAsync(new SqliteSpoolOptions(databasePath, TimeSpan.FromSeconds(5)));
        var stored = (await spool.ListQueueIdsAsync()).ToHashSet();
        var lost = sent.Where(s => !stored.Contains(s.QueueId)).Select(s => s.QueueId).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {sent.Count} acknowledged messages are not in the store: {string.Join(", ", lost)}");

        foreach (var s in sent)
        {
            var m = await spool.LoadAsync(s.QueueId);
            Assert.NotNull(m);
            Assert.Equal(s.Sender, m.Sender);
            Assert.Equal(s.Recipients, m.Recipients);
            Assert.Equal("127.0.0.1", m.ClientIp);
            Assert.Equal(heloName, m.HeloName);

            var content = m.Content.ToArray();
            var headerLength = TraceHeaderLength(content);
            var header = Encoding.ASCII.GetString(content, 0, headerLength);
            Assert.StartsWith($"Received: from {heloName} ([127.0.0.1])\r\n", header);
            Assert.Contains($"by node.test (MailCluster) with ", header);
            Assert.Contains($" id {s.QueueId}", header);
            var body = content[headerLength..];
            Assert.True(s.Body.AsSpan().SequenceEqual(body),
                $"{s.QueueId}: stored body differs from what was sent\n--- sent\n{Encoding.ASCII.GetString(s.Body)}\n--- stored\n{Encoding.ASCII.GetString(body)}");
        }
    }

    /// <summary>Octets of the leading Received: header, including its folded continuation lines.</summary>
    private static int TraceHeaderLength(byte[] content)
    {
        var end = 0;
        do
        {
            var lf = Array.IndexOf(content, (byte)'\n', end);
            Assert.True(lf > 0, "stored content has no complete Received: header");
            end = lf + 1;
        } while (end < content.Length && content[end] is (byte)'\t' or (byte)' ');
        return end;
    }
}
