using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailCluster.Bench.Smtp;

namespace MailCluster.Bench.Send;

/// <summary>
/// One concurrent sender: claims messages from the shared quota and delivers them over its own session,
/// reusing it for up to MessagesPerConnection messages, reconnecting after QUIT or any failure.
/// </summary>
public sealed class SendWorker(SendOptions options, IPEndPoint endpoint, MessageQuota quota, SendCounters counters)
{
    private readonly MessageBuilder _builder =
        new(options.From, options.To, options.SizeBytes, options.Connection.Helo);

    /// <summary>Accept latencies of this worker's accepted messages; merged after the run, so no locking.</summary>
    public List<double> LatenciesMs { get; } = [];

    public async Task RunAsync()
    {
        SmtpConnection? connection = null;
        var sentOnConnection = 0;
        try
        {
            while (quota.TryClaim(out var index))
            {
                try
                {
                    if (connection is null)
                    {
                        connection = await SmtpConnection.OpenSessionAsync(
                            endpoint, options.Connection.Helo, options.Connection.ReplyTimeout);
                        sentOnConnection = 0;
                    }

                    var result = await SendOneAsync(connection, index);
                    counters.Record(result.Outcome, result.Error);
                    if (!result.KeepSession || ++sentOnConnection >= options.MessagesPerConnection)
                    {
                        await connection.QuitAsync();
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
                catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
                {
                    var reason = ex is OperationCanceledException ? "timed out waiting for the server" : ex.Message;
                    counters.Record(MessageOutcome.ConnectionError, $"connection: {reason}");
                    if (connection is not null) await connection.DisposeAsync();
                    connection = null;
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.QuitAsync();
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<MessageResult> SendOneAsync(SmtpConnection connection, long index)
    {
        var payload = _builder.Build(index); // built before the clock starts: we time the server, not ourselves
        var started = Stopwatch.GetTimestamp();

        var mail = await connection.CommandAsync($"MAIL FROM:<{options.From}>");
        if (!mail.IsPositive) return await RejectAsync(connection, "MAIL FROM", mail);

        SmtpReply? lastRcptRejection = null;
        var acceptedRecipients = 0;
        foreach (var recipient in options.To)
        {
            var rcpt = await connection.CommandAsync($"RCPT TO:<{recipient}>");
            if (rcpt.IsPositive) acceptedRecipients++;
            else lastRcptRejection = rcpt;
        }
        // Partial acceptance still delivers the message; only "nobody accepted" makes it a rejection.
        if (acceptedRecipients == 0) return await RejectAsync(connection, "RCPT TO", lastRcptRejection!.Value);

        var data = await connection.CommandAsync("DATA");
        if (data.Code != 354) return await RejectAsync(connection, "DATA", data);

        await connection.SendRawAsync(payload);
        var final = await connection.ReadReplyAsync();
        if (!final.IsPositive) return Rejected("end of DATA", final);

        LatenciesMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new MessageResult(MessageOutcome.Accepted, KeepSession: true, Error: null);
    }

    /// <summary>A rejection before the payload: RSET so the session can carry on with the next message.</summary>
    private static async Task<MessageResult> RejectAsync(SmtpConnection connection, string stage, SmtpReply reply)
    {
        var result = Rejected(stage, reply);
        if (!result.KeepSession) return result;
        try
        {
            if ((await connection.CommandAsync("RSET")).IsPositive) return result;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            // The rejection is already the outcome of this message; the broken session is simply dropped.
        }
        return result with { KeepSession = false };
    }

    /// <summary>421 means the server is closing the channel (RFC 5321 3.8), so that session is done.</summary>
    private static MessageResult Rejected(string stage, SmtpReply reply) =>
        new(MessageOutcomes.FromRejection(reply), KeepSession: reply.Code != 421, Error: $"{stage}: {reply}");
}
