using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailCluster.Bench.Smtp;

namespace MailCluster.Bench.Idle;

/// <summary>
/// The "idle" mode: measures what K open-but-idle SMTP sessions cost the server. Sessions are opened in
/// batches so the listen backlog is not overrun, held past EHLO, then all QUIT.
/// </summary>
public static class IdleBenchmark
{
    private static readonly TimeSpan SettleAfterClose = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(IdleOptions options)
    {
        var endpoint = await EndpointResolver.ResolveAsync(options.Connection.Host, options.Connection.Port);
        double? Rss() => options.Pid is { } pid ? ProcessMemory.ReadResidentMegabytes(pid) : null;

        var rssBefore = Rss();
        var started = Stopwatch.GetTimestamp();
        var (sessions, firstError) = await OpenAllAsync(endpoint, options);
        var openSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.Error.WriteLine($"opened {sessions.Count}/{options.Sessions} sessions in {openSeconds:F2} s; holding {options.HoldSeconds} s");

        await Task.Delay(TimeSpan.FromSeconds(options.HoldSeconds));
        // Sampled at the end of the hold, with every session still open, so the server has settled.
        var rssWithSessions = Rss();

        var quitResults = await Task.WhenAll(sessions.Select(QuitAndCloseAsync));
        if (options.Pid is not null)
        {
            Console.Error.WriteLine($"closed; waiting {SettleAfterClose.TotalSeconds:F0} s before the last memory sample");
            await Task.Delay(SettleAfterClose);
        }

        var report = new IdleReport(
            options.Sessions, sessions.Count, quitResults.Count(ok => ok), openSeconds, firstError,
            rssBefore, rssWithSessions, Rss());
        Console.WriteLine(report.ToText());
        return sessions.Count == options.Sessions ? 0 : 1;
    }

    private static async Task<(List<SmtpConnection> Sessions, string? FirstError)> OpenAllAsync(IPEndPoint endpoint, IdleOptions options)
    {
        var sessions = new List<SmtpConnection>(options.Sessions);
        string? firstError = null;
        for (var offset = 0; offset < options.Sessions; offset += options.BatchSize)
        {
            var batch = Math.Min(options.BatchSize, options.Sessions - offset);
            var attempts = Enumerable.Range(0, batch)
                .Select(_ => SmtpConnection.OpenSessionAsync(endpoint, options.Connection.Helo, options.Connection.ReplyTimeout))
                .ToList();
            try
            {
                await Task.WhenAll(attempts);
            }
            catch (Exception)
            {
                // Failures are inspected per task below; one bad session must not lose the others.
            }

            foreach (var attempt in attempts)
            {
                if (attempt.IsCompletedSuccessfully) sessions.Add(attempt.Result);
                else firstError ??= Describe(attempt.Exception?.InnerException);
            }
        }
        return (sessions, firstError);
    }

    private static async Task<bool> QuitAndCloseAsync(SmtpConnection session)
    {
        var ok = await session.QuitAsync();
        await session.DisposeAsync();
        return ok;
    }

    private static string Describe(Exception? ex) => ex switch
    {
        OperationCanceledException => "timed out waiting for the server",
        SocketException or IOException => ex.Message,
        null => "unknown error",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
