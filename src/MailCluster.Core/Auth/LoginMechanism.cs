namespace MailCluster.Core.Auth;

/// <summary>
/// LOGIN (draft-murchison-sasl-login): prompts "Username:" then "Password:", each answered in base64. Obsolete
/// but still what many clients (Outlook among them) pick. An initial response is taken as the username.
/// </summary>
public sealed class LoginMechanism : ISaslMechanism
{
    public static readonly string UsernamePrompt = SaslResponse.Encode("Username:"); // VXNlcm5hbWU6
    public static readonly string PasswordPrompt = SaslResponse.Encode("Password:"); // UGFzc3dvcmQ6

    private enum State { NotStarted, AwaitingUsername, AwaitingPassword, Done }

    private State _state = State.NotStarted;
    private string _username = "";

    public string Name => "LOGIN";

    public SaslStep Start(string? initialResponse)
    {
        if (_state != State.NotStarted)
            throw new InvalidOperationException("LOGIN exchange already started; use a new instance per AUTH command.");

        if (initialResponse is null)
        {
            _state = State.AwaitingUsername;
            return new Challenge(UsernamePrompt);
        }
        return AcceptUsername(SaslResponse.InitialResponseText(initialResponse));
    }

    public SaslStep Continue(string clientLine)
    {
        if (_state is not (State.AwaitingUsername or State.AwaitingPassword))
            throw new InvalidOperationException("LOGIN is not waiting for a client response.");

        if (SaslResponse.IsCancel(clientLine))
            return Finish(new SaslCancelled());

        return _state == State.AwaitingUsername ? AcceptUsername(clientLine) : AcceptPassword(clientLine);
    }

    private SaslStep AcceptUsername(string base64)
    {
        if (!SaslResponse.TryDecode(base64, out var username, out var reason))
            return Finish(new SaslFailure(reason));
        if (username.Length == 0)
            return Finish(new SaslFailure("empty username"));

        _username = username;
        _state = State.AwaitingPassword;
        return new Challenge(PasswordPrompt);
    }

    private SaslStep AcceptPassword(string base64)
    {
        if (!SaslResponse.TryDecode(base64, out var password, out var reason))
            return Finish(new SaslFailure(reason));
        if (password.Length == 0)
            return Finish(new SaslFailure("empty password"));

        return Finish(new Credentials(_username, password));
    }

    private SaslStep Finish(SaslStep step)
    {
        _state = State.Done;
        return step;
    }
}
