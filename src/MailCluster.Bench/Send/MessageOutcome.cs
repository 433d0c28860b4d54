using MailCluster.Bench.Smtp;

namespace MailCluster.Bench.Send;

/// <summary>Each of the N message attempts ends in exactly one of these, so the counts always add up to N.</summary>
public enum MessageOutcome { Accepted, Rejected4xx, Rejected5xx, ConnectionError }

/// <summary>How one message attempt ended, and whether its session can carry the next message.</summary>
public readonly record struct MessageResult(MessageOutcome Outcome, bool KeepSession, string? Error);

public static class MessageOutcomes
{
    /// <summary>Maps a negative reply to its rejection class; anything else is not a valid answer there.</summary>
    public static MessageOutcome FromRejection(SmtpReply reply) => (reply.Code / 100) switch
    {
        4 => MessageOutcome.Rejected4xx,
        5 => MessageOutcome.Rejected5xx,
        _ => throw new SmtpProtocolException($"unexpected reply: {reply}"),
    };
}
