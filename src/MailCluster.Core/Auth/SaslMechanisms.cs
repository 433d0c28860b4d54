namespace MailCluster.Core.Auth;

/// <summary>
/// The mechanisms this server offers. Only password mechanisms that work with a salted hash store: CRAM-MD5 and
/// DIGEST-MD5 need the plain password (or an equivalent) on the server, so they are deliberately absent.
/// </summary>
public static class SaslMechanisms
{
    /// <summary>In EHLO advertisement order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["PLAIN", "LOGIN"];

    /// <summary>A fresh mechanism for one AUTH command, or null when <paramref name="name"/> is not offered
    /// (the caller answers 504 5.5.4). Names are case-insensitive like all SMTP keywords.</summary>
    public static ISaslMechanism? Create(string name) => name.ToUpperInvariant() switch
    {
        "PLAIN" => new PlainMechanism(),
        "LOGIN" => new LoginMechanism(),
        _ => null,
    };
}
