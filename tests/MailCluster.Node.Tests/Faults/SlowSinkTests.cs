using System.Diagnostics;
using System.Net;
using System.Text;
using MailCluster.TestSupport;
using Xunit.Abstractions;

namespace MailCluster.Node.Tests.Faults;

/// <summary>
/// The remote MX takes one byte a second. Deliveries stall in TCP, the queue stays on disk, and the node's memory
/// stays bounded while a bounded load (far larger than the bound) keeps arriving; once the MX is fast again every
/// acknowledged message is delivered.
/// </summary>
public sealed class SlowSinkTests(ITestOutputHelper output)
{
    private const int Messages = 600, Sessions = 4, Domains = 3;
    private static readonly byte[] Body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 1300).Select(i => $"{i:0000} {new string('y', 70)}\r\n")));

    [Fact]
    public async Task A_one_byte_a_second_mx_keeps_node_memory_bounded_and_loses_nothing()
    {
        var clock = Stopwatch.StartNew();
        using var dir = new TempDir();
        await using var dns = DnsStubServer.Start();
        await using var sink = SmtpSink.Start(new SmtpSinkOptions { RecordCommands = false, KeepContent = false });
        await using var proxy = ThrottlingProxy.Start(sink.Endpoint, bytesPerSecond: 1);
        dns.AddA("mx.slow.test", IPAddress.Loopback);
        for (var d = 0; d < Domains; d++) dns.AddMx($"slow{d}.test", 10, "mx.slow.test");
        var config = dir.Config($$"""
            mailcluster {
              queue.defer-transports = []
              policy.mynetworks = ["127.0.0.0/8"]
              delivery {
                smtp { tls = disabled, port = {{proxy.Port}} }
                dns { servers = ["{{dns.Endpoint}}"], timeout = 1s, attempts = 1 }
              }
              queue.retry { minimum-backoff = 1s, maximum-backoff = 2s }
            }
            """);
        using var node = await NodeProcess.StartAsync(config, dir.Path);

        // Warm up (JIT, pools, first queues), then take the baseline.
        var warm = new List<string>();
        for (var n = 0; n < 20; n++) await SendAsync(node.Port, -1 - n, warm);
        await Task.Delay(1000);
        var baseline = RssMiB(node.Pid);

        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested) { peak = Math.Max(peak, RssMiB(node.Pid)); await Task.Delay(100); }
        });
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Sessions).Select(_ => Task.Run(async () =>
        {
            var mine = new List<string>();
            for (var n = Interlocked.Increment(ref next); n < Messages; n = Interlocked.Increment(ref next)) await SendAsync(node.Port, n, mine);
            foreach (var id in mine) acknowledged.Add(id);
        }))).WaitAsync(TimeSpan.FromSeconds(90));
        await Task.Delay(2000);
        await sampling.CancelAsync();
        await sampler;
        var acceptedMiB = acknowledged.Count * (double)Body.Length / (1 << 20);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {acknowledged.Count} of {Messages} acknowledged ({acceptedMiB:0} MiB) while the MX took " +
                         $"{proxy.BytesForwarded} octets; {sink.MessageCount} delivered; node RSS {baseline:0} MiB before, peak {peak:0} MiB; " +
                         $"MX connections at most {proxy.MaxActiveConnections}");

        Assert.True(acknowledged.Count >= Messages * 9 / 10, $"only {acknowledged.Count} of {Messages} acknowledged: a slow MX must not stop ingress");
        Assert.True(sink.MessageCount <= warm.Count, "the throttle did not hold deliveries back");
        // Deliveries in flight are bounded by the concurrency window (slow start from initial-concurrency, no successes to grow on).
        Assert.True(proxy.MaxActiveConnections <= Domains * 20, $"{proxy.MaxActiveConnections} connections to the MX");
        // Bodies stay on disk: memory grows by far less than what was accepted.
        Assert.True(peak - baseline < acceptedMiB / 2, $"RSS grew by {peak - baseline:0} MiB while {acceptedMiB:0} MiB were accepted");

        // The MX is fast again: everything acknowledged arrives.
        proxy.BytesPerSecond = null;
        var expected = acknowledged.Concat(warm).ToHashSet();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!expected.IsSubsetOf(Delivered(sink)) && DateTime.UtcNow < deadline) await Task.Delay(200);
        var missing = expected.Except(Delivered(sink)).ToList();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: throttle lifted; {Delivered(sink).Count} delivered, {missing.Count} missing, " +
                         $"{sink.MessageCount - Delivered(sink).Count} duplicates");
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged messages never arrived: {string.Join(", ", missing.Take(10))}");
    }

    /// <summary>One message per session; the recipient (user{n}@slow{d}.test) identifies it at the sink.</summary>
    private static async Task SendAsync(int port, int n, List<string> acknowledged)
    {
        var rcpt = $"user{n}@slow{Math.Abs(n) % Domains}.test";
        using var client = await RawSmtpClient.ConnectAsync(port);
        await client.CommandAsync("EHLO slow.client.test");
        if (!(await client.CommandAsync("MAIL FROM:<sender@client.test>")).StartsWith("250")) return;
        if (!(await client.CommandAsync($"RCPT TO:<{rcpt}>")).StartsWith("250")) return;
        var reply = await client.DataAsync([.. Encoding.ASCII.GetBytes($"Message-ID: <slow-{n}@client.test>\r\n\r\n"), .. Body]);
        if (reply.StartsWith("250")) acknowledged.Add(rcpt);
    }

    private static HashSet<string> Delivered(SmtpSink sink) => sink.Messages.SelectMany(m => m.Recipients).ToHashSet();

    private static double RssMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }
}
