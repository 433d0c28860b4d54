using System.Diagnostics.CodeAnalysis;

namespace MailCluster.Core.Auth;

/// <summary>
/// The SMTP AUTH accounts, immutable once built so a reload swaps the whole directory atomically.
/// Logins compare case-insensitively, as users type them however they like.
/// </summary>
public sealed class UserDirectory
{
    /// <summary>
    /// Verified when the login is unknown so a failed login costs the same PBKDF2 work either way and response
    /// time does not reveal which logins exist. The password behind it was random and thrown away.
    /// </summary>
    private const string DummyHash = "pbkdf2-sha256$210000$QtUBOM69WTtbb6tzKqknew==$8PliKogpoexzALYp0I0s0ow4ZpEHp960O9yTjqsmAuI=";

    private readonly Dictionary<string, SmtpUser> _byLogin;

    public static UserDirectory Empty { get; } = new([]);

    /// <exception cref="ArgumentException">Two users share a login (ignoring case).</exception>
    public UserDirectory(IEnumerable<SmtpUser> users)
    {
        _byLogin = new Dictionary<string, SmtpUser>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in users)
            if (!_byLogin.TryAdd(user.Login, user))
                throw new ArgumentException($"Duplicate login '{user.Login}'", nameof(users));
    }

    public int Count => _byLogin.Count;

    public IEnumerable<SmtpUser> Users => _byLogin.Values;

    public bool TryAuthenticate(string login, string password, [MaybeNullWhen(false)] out SmtpUser user)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (login is not null && _byLogin.TryGetValue(login, out var found))
        {
            user = found;
            if (PasswordHash.Verify(password, found.PasswordHash))
                return true;
        }
        else
        {
            PasswordHash.Verify(password, DummyHash);
        }
        user = null;
        return false;
    }

    /// <summary>
    /// Whether <paramref name="login"/> may put <paramref name="senderAddress"/> in MAIL FROM: one of the user's
    /// addresses, or the login itself when the login is an address. Whole-address, case-insensitive comparison:
    /// treating local parts as case-sensitive would only produce surprising refusals.
    /// </summary>
    public bool MayUseSender(string login, string senderAddress)
    {
        if (!_byLogin.TryGetValue(login, out var user) || string.IsNullOrEmpty(senderAddress))
            return false;
        if (SenderAddress.LooksLikeAddress(user.Login) && string.Equals(user.Login, senderAddress, StringComparison.OrdinalIgnoreCase))
            return true;
        return user.Addresses.Any(a => string.Equals(a, senderAddress, StringComparison.OrdinalIgnoreCase));
    }

    /// <inheritdoc cref="UsersFile.Parse"/>
    public static UserDirectory ParseUsersFile(string text, out IReadOnlyList<string> errors) =>
        UsersFile.Parse(text, out errors);
}
