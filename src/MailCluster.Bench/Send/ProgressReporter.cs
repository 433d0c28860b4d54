namespace MailCluster.Bench.Send;

/// <summary>Prints "done/N, rate" to stderr about once per second, so stdout stays clean for the summary.</summary>
public static class ProgressReporter
{
    public static async Task RunAsync(Func<long> completed, long total, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var started = TimeProvider.System.GetTimestamp();
        var lastTime = started;
        var lastDone = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = TimeProvider.System.GetTimestamp();
                var done = completed();
                // Rate over the last tick, not since start, so stalls show up immediately.
                var rate = (done - lastDone) / TimeProvider.System.GetElapsedTime(lastTime, now).TotalSeconds;
                var elapsed = TimeProvider.System.GetElapsedTime(started, now).TotalSeconds;
                Console.Error.WriteLine($"[{elapsed,5:F0}s] {done}/{total} ({100.0 * done / total:F0}%)  {rate:F0} msg/s");
                (lastTime, lastDone) = (now, done);
            }
        }
        catch (OperationCanceledException)
        {
            // Run finished.
        }
    }
}
