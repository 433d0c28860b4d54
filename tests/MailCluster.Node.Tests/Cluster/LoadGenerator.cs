using System.Collections.Concurrent;
using System.Text;

namespace MailCluster.Node.Tests.Cluster;

/// <summary>
/// Sends numbered messages over several SMTP sessions spread across nodes. A message counts as acknowledged only when
/// its DATA got 250; a session whose node dies simply stops, and the other sessions carry on with the rest.
/// </summary>
/// <param name="domainOf">The recipient domain of message n; by default the harness's domains in turn.</param>
/// <param name="firstNumber">The number of the first message, so a second load in one test has ids of its own.</param>
public sealed class LoadGenerator(int total, TimeSpan reconnectFor, Func<int, string>? domainOf = null, int firstNumber = 0)
{
    private int _next = firstNumber - 1;
    public ConcurrentDictionary<string, DateTime> Acknowledged { get; } = new();
    public int Acked => Acknowledged.Count;
    /// <summary>Replies other than 250 to DATA, so a test can say why a message was not acknowledged.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();
    /// <summary>
    /// Messages whose DATA was sent but whose reply never came (the connection broke or timed out): the server may have
    /// stored them, as SMTP allows (RFC 5321 section 6.1: a lost 250 makes a duplicate, never a loss), or not.
    /// </summary>
    public ConcurrentDictionary<string, string> Uncertain { get; } = new();

    public static string MessageId(int n) => $"<load-{n}@client.test>";

    public Task RunAsync(IEnumerable<Func<int>> portsOfSessions) =>
        Task.WhenAll(portsOfSessions.Select(port => Task.Run(() => SessionAsync(port))));

    private async Task SessionAsync(Func<int> port)
    {
        // A broken session reconnects (to wherever port() now points); a node that stays gone makes it give up after
        // reconnectFor, and its share goes to the other sessions.
        var givingUpAt = DateTime.MaxValue;
        while (Volatile.Read(ref _next) < firstNumber + total - 1 && DateTime.UtcNow < givingUpAt)
        {
            try
            {
                await SendUntilDoneAsync(port());
                return;
            }
            catch (Exception)
            {
                if (givingUpAt == DateTime.MaxValue) givingUpAt = DateTime.UtcNow + reconnectFor;
                await Task.Delay(200);
            }
        }
    }

    private async Task SendUntilDoneAsync(int port)
    {
        using var client = await RawSmtpClient.ConnectAsync(port);
        await client.CommandAsync("EHLO load.test");
        while (true)
        {
            var n = Interlocked.Increment(ref _next);
            if (n >= firstNumber + total) return;
            var domain = domainOf?.Invoke(n) ?? ClusterHarness.Domain(n % ClusterHarness.DomainCount);
            var mail = await client.CommandAsync("MAIL FROM:<load@client.test>");
            if (!mail.StartsWith("250"))
            {
                Refusals.Enqueue($"MAIL: {mail}");
                continue;
            }
            var rcpt = await client.CommandAsync($"RCPT TO:<user{n}@{domain}>");
            if (!rcpt.StartsWith("250"))
            {
                Refusals.Enqueue($"RCPT: {rcpt}");
                await client.CommandAsync("RSET");
                continue;
            }
            // Anything but 250 (a 451 while queues move, or the connection dropping) leaves the message unacknowledged.
            string reply;
            try
            {
                reply = await client.DataAsync(Encoding.ASCII.GetBytes($"Message-ID: {MessageId(n)}\r\nSubject: {n}\r\n\r\nmessage {n}\r\n"));
            }
            catch (Exception e)
            {
                Uncertain[MessageId(n)] = e.GetType().Name + ": " + e.Message;
                throw;
            }
            if (reply.StartsWith("250")) Acknowledged[MessageId(n)] = DateTime.UtcNow;
            else Refusals.Enqueue(reply);
        }
    }
}
