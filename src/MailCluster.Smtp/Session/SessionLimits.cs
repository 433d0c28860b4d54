namespace MailCluster.Smtp.Session;

/// <summary>The per-listener limits the state table enforces. Plain values, so the table stays pure.</summary>
public sealed record SessionLimits(
    string HostName,
    long MaxMessageSize,
    int MaxRecipients,
    bool TlsAvailable,
    int SoftErrorLimit,
    int HardErrorLimit,
    TimeSpan ErrorDelay,
    bool AuthEnabled = false,
    bool AuthAllowPlaintext = false)
{
    /// <summary>AUTH is offered only over TLS unless the listener allows plaintext (loopback test setups).</summary>
    public bool AuthOffered(SmtpSession session) => AuthEnabled && (session.Tls || AuthAllowPlaintext);

    /// <summary>RFC 5321 4.5.3.1.6 counts the CRLF; 1000 octets is the limit for text lines.</summary>
    public const int MaxLineOctets = 1000;

    /// <summary>RCPTs refused for the recipient limit that are not counted as errors, per transaction (Postfix: 1000).</summary>
    public const int RecipientOvershootLimit = 1000;

    public static SessionLimits Default { get; } = new("localhost", 10 * 1024 * 1024, 100, false, 3, 20, TimeSpan.FromSeconds(1));
}
