using System.Text;

namespace MailCluster.Core.Auth;

/// <summary>
/// An account that may authenticate with SMTP AUTH. <paramref name="Addresses"/> are the MAIL FROM addresses the
/// user may use besides the login itself (when the login is an address); domains are stored lower-cased.
/// </summary>
public sealed record SmtpUser(string Login, string PasswordHash, IReadOnlyList<string> Addresses)
{
    // The generated ToString would print the hash; keep it out of logs and assertion messages.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Login = {Login}, Addresses = [{string.Join(", ", Addresses)}]");
        return true;
    }
}
