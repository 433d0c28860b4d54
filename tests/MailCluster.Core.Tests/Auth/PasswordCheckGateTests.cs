using MailCluster.Core.Auth;

namespace MailCluster.Core.Tests.Auth;

public sealed class PasswordCheckGateTests
{
    [Fact]
    public async Task No_more_checks_run_at_once_than_the_bound()
    {
        var gate = new PasswordCheckGate(maxConcurrent: 2, maxWaiting: 100, maxWait: TimeSpan.FromSeconds(30));
        var running = 0;
        var highest = 0;
        bool Check()
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref highest, now);
            Thread.Sleep(20);
            Interlocked.Decrement(ref running);
            return true;
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => gate.TryRunAsync(Check)));

        Assert.All(results, r => Assert.True(r));
        Assert.InRange(highest, 1, 2);
        Assert.Equal(12, gate.Computed);
    }

    [Fact]
    public async Task When_the_slots_and_the_wait_line_are_full_an_attempt_is_turned_away_without_running()
    {
        var gate = new PasswordCheckGate(maxConcurrent: 1, maxWaiting: 1, maxWait: TimeSpan.FromSeconds(30));
        using var release = new ManualResetEventSlim();
        var holding = gate.TryRunAsync(() => { release.Wait(); return true; });
        await WaitUntil(() => gate.Computed == 1);
        var waiting = gate.TryRunAsync(() => true);

        var ran = false;
        var turnedAway = await gate.TryRunAsync(() => ran = true);

        Assert.Null(turnedAway);
        Assert.False(ran);
        release.Set();
        Assert.True(await holding);
        Assert.True(await waiting);
        Assert.Equal(2, gate.Computed);
    }

    [Fact]
    public async Task A_waiting_attempt_gives_up_after_max_wait()
    {
        var gate = new PasswordCheckGate(maxConcurrent: 1, maxWaiting: 10, maxWait: TimeSpan.FromMilliseconds(100));
        using var release = new ManualResetEventSlim();
        var holding = gate.TryRunAsync(() => { release.Wait(); return true; });
        await WaitUntil(() => gate.Computed == 1);

        Assert.Null(await gate.TryRunAsync(() => true));

        release.Set();
        await holding;
        // The slot is free again and the gave-up attempt left the line.
        Assert.False(await gate.TryRunAsync(() => false));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached");
            await Task.Delay(5);
        }
    }
}
