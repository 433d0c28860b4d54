using System.Text;

namespace MailCluster.Core.Auth;

/// <summary>What the connection should do after handing a line to an <see cref="ISaslMechanism"/>.</summary>
public abstract record SaslStep;

/// <summary>Send "334 <paramref name="Base64Text"/>" and wait for the client's next line.</summary>
public sealed record Challenge(string Base64Text) : SaslStep;

/// <summary>The exchange is complete; check these against the <see cref="UserDirectory"/>.</summary>
public sealed record Credentials(string Login, string Password) : SaslStep
{
    // The generated ToString would print the password into any log line or assertion message that shows the step.
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Login = {Login}, Password = ***");
        return true;
    }
}

/// <summary>The client sent something undecodable or incomplete (501 5.5.2). The reason never quotes client data.</summary>
public sealed record SaslFailure(string Reason) : SaslStep;

/// <summary>The client answered a challenge with "*" (RFC 4954: 501 5.0.0).</summary>
public sealed record SaslCancelled : SaslStep;
