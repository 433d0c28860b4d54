using System.Diagnostics;
using MailCluster.Bench.Smtp;

namespace MailCluster.Bench.Send;

/// <summary>The "send" mode: runs the workers with a progress ticker, then prints the report.</summary>
public static class SendBenchmark
{
    public static async Task<int> RunAsync(SendOptions options)
    {
        var endpoint = await EndpointResolver.ResolveAsync(options.Connection.Host, options.Connection.Port);
        var quota = new MessageQuota(options.Messages);
        var counters = new SendCounters();
        // More workers than messages would only open idle sessions.
        var workers = Enumerable.Range(0, Math.Min(options.Concurrency, options.Messages))
            .Select(_ => new SendWorker(options, endpoint, quota, counters))
            .ToList();

        Console.Error.WriteLine($"sending {options.Messages} x {options.SizeBytes} B to {endpoint} with {workers.Count} workers");
        using var stopProgress = new CancellationTokenSource();
        var progress = ProgressReporter.RunAsync(() => counters.Completed, options.Messages, stopProgress.Token);

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(workers.Select(w => Task.Run(w.RunAsync)));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        stopProgress.Cancel();
        await progress;

        var report = new SendReport(
            options.Messages,
            options.Concurrency,
            options.SizeBytes,
            options.MessagesPerConnection,
            Math.Round(elapsed, 3),
            Math.Round(counters.Accepted / elapsed, 1),
            counters.Accepted,
            counters.Rejected4xx,
            counters.Rejected5xx,
            counters.ConnectionErrors,
            LatencySummary.From(workers.SelectMany(w => w.LatenciesMs)),
            counters.FirstError);
        Console.WriteLine(options.Json ? report.ToJson() : report.ToText());
        return report.AllAccepted ? 0 : 1;
    }
}
