namespace MailCluster.Core.Auth;

/// <summary>
/// One SASL mechanism as a state machine without I/O: the connection feeds it lines and acts on the returned
/// <see cref="SaslStep"/>. An instance serves a single AUTH command; create a fresh one per attempt.
/// </summary>
public interface ISaslMechanism
{
    /// <summary>The name as advertised in EHLO and given to AUTH.</summary>
    string Name { get; }

    /// <summary>Begins the exchange. <paramref name="initialResponse"/> is the base64 text after the mechanism
    /// name on the AUTH line, "=" for an empty one (RFC 4954), or null when there was none.</summary>
    SaslStep Start(string? initialResponse);

    /// <summary>Handles the client's answer to the last <see cref="Challenge"/>; "*" cancels.</summary>
    SaslStep Continue(string clientLine);
}
