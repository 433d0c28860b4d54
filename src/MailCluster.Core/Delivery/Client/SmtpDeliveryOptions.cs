namespace MailCluster.Core.Delivery.Client;

public enum SmtpTlsMode
{
    /// <summary>STARTTLS when the server offers it, any certificate accepted; plaintext only when it is not offered.</summary>
    Opportunistic,
    /// <summary>STARTTLS or no delivery (deferred 4.7.4/4.7.5). Any certificate is accepted: encryption, not authentication.</summary>
    Required,
    /// <summary>Never STARTTLS.</summary>
    Disabled,
}

/// <summary>How <see cref="SmtpDeliveryClient"/> (and <see cref="SmtpConnector"/>) talk to the remote side.</summary>
public sealed record SmtpDeliveryOptions
{
    /// <summary>Name sent in EHLO/HELO/LHLO; should be this host's public name.</summary>
    public string HeloName { get; init; } = "localhost";

    /// <summary>Time allowed for the TCP connect to one address.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for each command/reply round (greeting, EHLO, STARTTLS handshake, MAIL, RCPT, DATA, RSET, QUIT).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Time allowed to send the message body, and then to wait for the reply(ies) to the final dot.</summary>
    public TimeSpan DataTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public SmtpTlsMode TlsMode { get; init; } = SmtpTlsMode.Opportunistic;

    /// <summary>Speak LMTP (RFC 2033): LHLO, and one reply per accepted recipient after the final dot.</summary>
    public bool Lmtp { get; init; }

    /// <summary>How many addresses <see cref="SmtpConnector"/> tries for one destination before deferring.</summary>
    public int MaxConnectAttempts { get; init; } = 5;

    /// <summary>Most commands sent in one pipelined write before their replies are read (RFC 2920 section 3.1 deadlock avoidance).</summary>
    public int PipelineBatchSize { get; init; } = 100;
}
