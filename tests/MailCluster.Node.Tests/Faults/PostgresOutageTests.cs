using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using MailCluster.Node.Tests.Cluster;
using Xunit.Abstractions;

namespace MailCluster.Node.Tests.Faults;

/// <summary>
/// PostgreSQL freezes (SIGSTOP) under load, then dies (SIGKILL) and comes back after crash recovery. While it is gone
/// the node may only refuse (4xx) or time out; once it is back, every message that got a 250 is delivered to the sink.
/// </summary>
public sealed class PostgresOutageTests(ITestOutputHelper output)
{
    private const int SigKill = 9, SigStop = 19;

    [Fact]
    public async Task Postgres_frozen_then_killed_under_load_loses_no_acknowledged_message()
    {
        var clock = Stopwatch.StartNew();
        var started = DateTime.UtcNow;
        await using var cluster = await ClusterHarness.StartAsync(size: 1, running: 0);
        // A write the frozen server never confirms must end in 451 well within the clients' 10 s reply timeout.
        cluster.Nodes[0] = await NodeProcess.StartAsync(cluster.Config(0) + "\nmailcluster.storage.write-timeout = 5s\n", cluster.Dir.Path);
        var port = cluster.Nodes[0]!.Port;

        var load = new LoadGenerator(900, reconnectFor: TimeSpan.FromSeconds(40));
        var sending = load.RunAsync(Enumerable.Range(0, 6).Select(_ => (Func<int>)(() => port)));
        await WaitUntilAsync(() => load.Acked >= 150, TimeSpan.FromSeconds(40), "150 messages acknowledged before the fault");

        var beforeFreeze = load.Acked;
        var server = cluster.Postgres.ServerProcessIds();
        Assert.NotEmpty(server);
        foreach (var pid in server) Signal(pid, SigStop);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: SIGSTOP to {server.Count} PostgreSQL processes after {beforeFreeze} acknowledged");
        await Task.Delay(TimeSpan.FromSeconds(7));
        var duringFreeze = load.Acked - beforeFreeze;

        foreach (var pid in cluster.Postgres.ServerProcessIds()) Signal(pid, SigKill);
        cluster.Postgres.MarkCrashed();
        await Task.Delay(TimeSpan.FromSeconds(2));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: SIGKILL; {duringFreeze} acknowledged while frozen, refusals so far: {load.Refusals.Count}");
        await cluster.Postgres.StartServerAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: PostgreSQL restarted (crash recovery)");

        await sending.WaitAsync(TimeSpan.FromSeconds(60));
        // After recovery the node takes mail again (the load above may have used up its numbers on 451s during the outage).
        var after = await SendAfterRecoveryAsync(port, 100, TimeSpan.FromSeconds(40));

        var expected = load.Acknowledged.Keys.Concat(after).ToHashSet();
        await WaitUntilAsync(() => expected.IsSubsetOf(ReceivedIds(cluster)), TimeSpan.FromSeconds(60), "every acknowledged message delivered",
            () => $"missing {expected.Except(ReceivedIds(cluster)).Count()} of {expected.Count}: {string.Join(", ", expected.Except(ReceivedIds(cluster)).Take(10))}");

        var received = cluster.Sink.Messages.Select(m => MessageId(m.Content)).ToList();
        var refusalCodes = load.Refusals.GroupBy(r => r.Length >= 3 ? r[..3] : r).Select(g => $"{g.Key} x{g.Count()}");
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: acknowledged {load.Acked} of 900 (+{after.Count} after recovery), " +
                         $"delivered {received.Distinct().Count()} distinct, duplicates {received.Count - received.Distinct().Count()}, " +
                         $"refusals: {string.Join(", ", refusalCodes)}");
        // Which messages came twice, and whether any message the client was refused arrived anyway (the client's retry
        // would then be a second copy): both are at-least-once after a crash, counted here so the figures can be read.
        var twice = received.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var refusedButDelivered = received.Distinct().Where(id => id.StartsWith("<load-") && !load.Acknowledged.ContainsKey(id)).ToList();
        output.WriteLine($"duplicates: {twice.Count(load.Acknowledged.ContainsKey)} acknowledged, {twice.Count(id => !load.Acknowledged.ContainsKey(id))} not; " +
                         $"delivered without a 250: {refusedButDelivered.Count}{(refusedButDelivered.Count > 0 ? " (" + string.Join(", ", refusedButDelivered.Take(5)) + ")" : "")}");
        foreach (var id in twice.Take(5))
            output.WriteLine($"  {id} x{received.Count(r => r == id)}, acknowledged at {(load.Acknowledged.TryGetValue(id, out var at) ? $"{(at - started).TotalSeconds:0.0} s" : "never")}");
        Assert.All(load.Refusals, r => Assert.StartsWith("4", r)); // a storage outage is never a permanent failure
        Assert.True(load.Acked < 900 || load.Refusals.Count > 0 || duringFreeze == 0,
            "the outage neither refused nor delayed anything: it did not happen");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(150), $"took {clock.Elapsed}");
    }

    /// <summary>Sends <paramref name="count"/> messages over one session (reconnecting when it breaks) until each got a 250.</summary>
    private static async Task<List<string>> SendAfterRecoveryAsync(int port, int count, TimeSpan within)
    {
        var ids = new List<string>();
        var deadline = DateTime.UtcNow + within;
        while (ids.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the node took only {ids.Count} of {count} messages within {within} of recovery");
            try
            {
                using var client = await RawSmtpClient.ConnectAsync(port);
                await client.CommandAsync("EHLO load.test");
                while (ids.Count < count)
                {
                    var n = ids.Count;
                    var id = $"<after-recovery-{n}@client.test>";
                    if (!(await client.CommandAsync("MAIL FROM:<load@client.test>")).StartsWith("250")) break;
                    if (!(await client.CommandAsync($"RCPT TO:<after{n}@{ClusterHarness.Domain(n % ClusterHarness.DomainCount)}>")).StartsWith("250")) break;
                    var reply = await client.DataAsync(Encoding.ASCII.GetBytes($"Message-ID: {id}\r\nSubject: after\r\n\r\nafter recovery\r\n"));
                    if (!reply.StartsWith("250")) break;
                    ids.Add(id);
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException) { }
            if (ids.Count < count) await Task.Delay(500);
        }
        return ids;
    }

    private static HashSet<string> ReceivedIds(ClusterHarness cluster) => cluster.Sink.Messages.Select(m => MessageId(m.Content)).ToHashSet();

    private static string MessageId(byte[] content) =>
        Encoding.ASCII.GetString(content).Split("\r\n").FirstOrDefault(l => l.StartsWith("Message-ID: "))?["Message-ID: ".Length..] ?? "";

    private static void Signal(int pid, int signal)
    {
        if (SysKill(pid, signal) != 0 && Marshal.GetLastPInvokeError() != 3 /* ESRCH: already gone */)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int sig);

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string>? detail = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}{(detail is null ? "" : ": " + detail())}");
            await Task.Delay(100);
        }
    }
}
