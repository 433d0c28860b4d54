using System.Security.Cryptography.X509Certificates;

namespace MailCluster.TestSupport;

/// <summary>
/// How a <see cref="SmtpSink"/> behaves. Every reply hook may return null (the default reply), a reply
/// (several lines separated by '\n', e.g. "250-first\n250 second"), <see cref="SmtpSink.Stall"/> (never answer)
/// or <see cref="SmtpSink.Disconnect"/> (drop the connection without a word). Hooks run on connection tasks,
/// concurrently for different connections: keep their state thread-safe.
/// </summary>
public sealed record SmtpSinkOptions
{
    public string HostName { get; init; } = "sink.test";

    /// <summary>0 = a free port picked by the OS.</summary>
    public int Port { get; init; }

    /// <summary>Speak LMTP (RFC 2033): LHLO instead of EHLO/HELO, one reply per accepted recipient after the dot.</summary>
    public bool Lmtp { get; init; }

    public bool Pipelining { get; init; } = true;
    public bool EightBitMime { get; init; } = true;
    public bool SmtpUtf8 { get; init; } = true;
    public bool EnhancedStatusCodes { get; init; } = true;

    /// <summary>Advertised as SIZE; larger MAIL SIZE= declarations and bodies are refused with 552.</summary>
    public long? MaxSize { get; init; }

    /// <summary>Offer STARTTLS, with <see cref="Certificate"/> or else a shared self-signed certificate for "sink.test".</summary>
    public bool StartTls { get; init; }

    public X509Certificate2? Certificate { get; init; }

    /// <summary>Keep each message's octets (turn off for long benchmarks: messages are then recorded with empty content).</summary>
    public bool KeepContent { get; init; } = true;

    /// <summary>Record every command line in <see cref="SmtpSink.Commands"/>.</summary>
    public bool RecordCommands { get; init; } = true;

    /// <summary>The greeting; null → "220 {HostName} ESMTP sink". Argument: the connection number (1-based).</summary>
    public Func<int, string?>? BannerReply { get; init; }

    /// <summary>Reply to EHLO/LHLO (argument: the name given); null → the capability list.</summary>
    public Func<string, string?>? EhloReply { get; init; }

    /// <summary>Reply to MAIL FROM; null → "250 2.1.0 Ok".</summary>
    public Func<SinkTransaction, string?>? MailReply { get; init; }

    /// <summary>Reply to RCPT TO (arguments: the transaction so far, the recipient); null → "250 2.1.5 Ok".</summary>
    public Func<SinkTransaction, string, string?>? RcptReply { get; init; }

    /// <summary>Reply to the DATA command itself; null → "354 End data with &lt;CR&gt;&lt;LF&gt;.&lt;CR&gt;&lt;LF&gt;".</summary>
    public Func<SinkTransaction, string?>? DataReply { get; init; }

    /// <summary>SMTP: reply to the final dot (the content is in the transaction); null → "250 2.0.0 Ok: queued as N". Only 2xx messages are recorded.</summary>
    public Func<SinkTransaction, string?>? DataEndReply { get; init; }

    /// <summary>LMTP: reply for one recipient after the final dot; null → "250 2.1.5 Ok". The message is recorded with the 2xx recipients.</summary>
    public Func<SinkTransaction, string, string?>? LmtpRecipientReply { get; init; }
}
