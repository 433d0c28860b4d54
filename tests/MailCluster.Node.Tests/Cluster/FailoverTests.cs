using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace MailCluster.Node.Tests.Cluster;

/// <summary>Three node processes on one PostgreSQL: kill -9 one under load, and nothing acknowledged is lost.</summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private static string MessageId(byte[] content) =>
        Encoding.ASCII.GetString(content).Split("\r\n").First(l => l.StartsWith("Message-ID: "))["Message-ID: ".Length..];

    [Fact]
    public async Task Killing_a_node_under_load_loses_no_acknowledged_message()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        var ports = cluster.Nodes.Select(n => n!.Port).ToArray();
        var load = new LoadGenerator(2000, reconnectFor: TimeSpan.FromSeconds(1));
        var sending = load.RunAsync(Enumerable.Range(0, 6).Select(i => (Func<int>)(() => ports[i % 3])));

        await WaitUntilAsync(() => load.Acked >= 600, TimeSpan.FromSeconds(90), "600 messages acknowledged");
        var victim = cluster.Nodes[1]!;
        var clock = Stopwatch.StartNew();
        victim.Kill();

        // Queues of the dead node show as domains with no delivery until a survivor has taken them over: the first
        // delivery after a gap of more than 3 s ends that queue's failover.
        var firstArrival = new Dictionary<string, TimeSpan>();
        var seenCount = cluster.Sink.MessageCount;
        while (clock.Elapsed < TimeSpan.FromSeconds(150))
        {
            var all = cluster.Sink.Messages;
            foreach (var m in all.Skip(seenCount)) firstArrival.TryAdd(DomainOf(MessageId(m.Content)), clock.Elapsed);
            seenCount = all.Count;
            if (sending.IsCompleted && load.Acknowledged.Keys.All(all.Select(x => MessageId(x.Content)).ToHashSet().Contains)) break;
            await Task.Delay(100);
        }
        await sending;

        var received = cluster.Sink.Messages.Select(m => MessageId(m.Content)).ToList();
        var lost = load.Acknowledged.Keys.Where(id => !received.Contains(id)).ToList();
        var duplicates = received.Count - received.Distinct().Count();
        var stalled = firstArrival.Values.Where(t => t > TimeSpan.FromSeconds(3)).ToList();
        output.WriteLine($"acknowledged {load.Acked} of 2000, received {received.Distinct().Count()} distinct, lost {lost.Count}, duplicates {duplicates}");
        output.WriteLine(stalled.Count > 0
            ? $"kill -9 to first delivery of a queue the dead node owned: {stalled.Min().TotalSeconds:0.0} s " +
              $"({stalled.Count} such queues, the last at {stalled.Max().TotalSeconds:0.0} s)"
            : "every queue delivered within 3 s of the kill");
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged messages never arrived: {string.Join(", ", lost.Take(10))}");
        Assert.True(load.Acked >= 1500, $"only {load.Acked} messages were acknowledged");
    }

    private static string DomainOf(string messageId)
    {
        var n = int.Parse(messageId["<load-".Length..messageId.IndexOf('@')]);
        return ClusterHarness.Domain(n % ClusterHarness.DomainCount);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
