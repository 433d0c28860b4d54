namespace MailCluster.Core.Auth;

/// <summary>
/// PLAIN (RFC 4616): one message "authzid NUL authcid NUL passwd", either as the initial response or after an
/// empty challenge. Acting as another identity (authzid) is not supported, so a non-empty authzid must name the
/// authenticating user itself.
/// </summary>
public sealed class PlainMechanism : ISaslMechanism
{
    private bool _awaitingMessage;
    private bool _started;

    public string Name => "PLAIN";

    public SaslStep Start(string? initialResponse)
    {
        if (_started)
            throw new InvalidOperationException("PLAIN exchange already started; use a new instance per AUTH command.");
        _started = true;

        if (initialResponse is null)
        {
            _awaitingMessage = true;
            return new Challenge("");
        }
        return ParseMessage(SaslResponse.InitialResponseText(initialResponse));
    }

    public SaslStep Continue(string clientLine)
    {
        if (!_awaitingMessage)
            throw new InvalidOperationException("PLAIN is not waiting for a client response.");
        _awaitingMessage = false;

        return SaslResponse.IsCancel(clientLine) ? new SaslCancelled() : ParseMessage(clientLine);
    }

    private static SaslStep ParseMessage(string base64)
    {
        if (!SaslResponse.TryDecode(base64, out var message, out var reason))
            return new SaslFailure(reason);

        var parts = message.Split('\0');
        if (parts.Length != 3)
            return new SaslFailure("PLAIN message must be authzid NUL authcid NUL password");

        var (authzid, authcid, password) = (parts[0], parts[1], parts[2]);
        // RFC 4616 grammar: authcid and passwd are 1*SAFE.
        if (authcid.Length == 0)
            return new SaslFailure("PLAIN message has an empty authentication identity");
        if (password.Length == 0)
            return new SaslFailure("PLAIN message has an empty password");
        // Logins are case-insensitive in the directory, so "Alice" authorising as "alice" is the same identity.
        if (authzid.Length > 0 && !string.Equals(authzid, authcid, StringComparison.OrdinalIgnoreCase))
            return new SaslFailure("authorization identity differs from authentication identity");

        return new Credentials(authcid, password);
    }
}
