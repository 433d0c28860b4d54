using MailCluster.TestSupport.Otlp;
using Xunit.Abstractions;

namespace MailCluster.Node.Tests.Cluster;

/// <summary>
/// OpenTelemetry across nodes: mail accepted by node1 is queued and delivered by whichever node hosts its next hop;
/// every node exports over OTLP to a collector on loopback, and each message is one trace whose spans link up.
/// </summary>
public sealed class TracingClusterTests(ITestOutputHelper output)
{
    private const int Messages = 30;

    [Fact]
    public async Task One_trace_per_message_from_the_smtp_transaction_to_the_delivery_attempt_on_another_node()
    {
        await using var collector = new OtlpTraceCollector();
        await using var cluster = await ClusterHarness.StartAsync(extraConfig: $"mailcluster.tracing.otlp-endpoint = \"{collector.Endpoint}\"");
        // All three members up first, or node1 hosts every queue and nothing crosses nodes.
        var joined = DateTime.UtcNow.AddSeconds(60);
        while ((await AdminView.QueueShardsAsync(cluster.Nodes[0]!.AdminUrl!)).Count < 3 && DateTime.UtcNow < joined) await Task.Delay(250);
        var load = new LoadGenerator(Messages, reconnectFor: TimeSpan.FromSeconds(10));
        await load.RunAsync([() => cluster.Nodes[0]!.Port]); // one node accepts; the queues are spread over all three
        Assert.True(load.Acked >= Messages * 9 / 10, $"only {load.Acked} acknowledged");
        await cluster.Sink.WaitForMessagesAsync(load.Acked, TimeSpan.FromSeconds(60));

        List<List<CollectedSpan>> traces = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            traces = collector.Spans.GroupBy(s => s.TraceId).Select(g => g.ToList())
                .Where(t => t.Any(s => s.Name == "mailcluster.smtp.transaction") && t.Any(s => s.Name == "mailcluster.delivery.attempt")).ToList();
            if (traces.Count >= load.Acked) break;
            await Task.Delay(500);
        }
        Assert.True(traces.Count >= load.Acked, $"{traces.Count} complete traces for {load.Acked} messages; spans: " +
            string.Join(", ", collector.Spans.GroupBy(s => s.Name).Select(g => $"{g.Key}×{g.Count()}")));

        var crossNode = 0;
        foreach (var trace in traces)
        {
            var transaction = Assert.Single(trace, s => s.Name == "mailcluster.smtp.transaction");
            Assert.Null(transaction.ParentSpanId);
            Assert.Equal("node1.test", transaction.Node);
            var queueId = transaction.Attributes["mailcluster.queue_id"];
            Assert.All(trace.Where(s => s.Name == "mailcluster.policy"), p => Assert.Equal(transaction.SpanId, p.ParentSpanId));
            var accept = Assert.Single(trace, s => s.Name == "mailcluster.accept");
            Assert.Equal(transaction.SpanId, accept.ParentSpanId);
            var enqueue = Assert.Single(trace, s => s.Name == "mailcluster.queue.enqueue");
            Assert.Equal(accept.SpanId, enqueue.ParentSpanId);
            foreach (var attempt in trace.Where(s => s.Name == "mailcluster.delivery.attempt"))
            {
                Assert.Equal(enqueue.SpanId, attempt.ParentSpanId);
                Assert.Equal(queueId, attempt.Attributes["mailcluster.queue_id"]);
                Assert.Equal(enqueue.Node, attempt.Node); // the queue entity's node delivers
                if (attempt.Node != transaction.Node) crossNode++;
            }
        }
        output.WriteLine($"{traces.Count} traces, {crossNode} delivered from another node than the one that accepted");
        Assert.True(crossNode > 0, "every message was delivered by the accepting node: the queues did not spread");
    }
}
