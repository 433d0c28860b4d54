namespace MailCluster.Core.Auth;

/// <summary>
/// The users file: one "login:pbkdf2-sha256$...$...$...[:addr1,addr2]" per line; '#' comments and blank lines
/// are ignored.
/// </summary>
internal static class UsersFile
{
    /// <summary>
    /// Returns a directory of the lines that parsed; every other line becomes an error naming its line number.
    /// Callers validating config should refuse the file when any error is reported. Errors never quote the line:
    /// a mistyped line may hold a plain-text password, and even the login field may be one ("secret" alone).
    /// </summary>
    public static UserDirectory Parse(string text, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<string>();
        var users = new List<SmtpUser>();
        var firstLineOfLogin = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;

            if (!TryParseLine(line, out var user, out var reason))
                problems.Add($"line {lineNumber}: {reason}");
            else if (firstLineOfLogin.TryGetValue(user.Login, out var first))
                problems.Add($"line {lineNumber}: duplicate login (first defined on line {first})");
            else
            {
                firstLineOfLogin[user.Login] = lineNumber;
                users.Add(user);
            }
        }

        errors = problems;
        return new UserDirectory(users);
    }

    private static bool TryParseLine(string line, out SmtpUser user, out string reason)
    {
        user = null!;
        var fields = line.Split(':');
        if (fields.Length < 2)
            return Fail("expected login:hash[:addresses]", out reason);
        if (fields.Length > 3)
            return Fail("too many ':'-separated fields; expected login:hash[:addresses]", out reason);

        var login = fields[0].Trim();
        if (login.Length == 0)
            return Fail("empty login", out reason);
        if (login.Any(char.IsWhiteSpace))
            return Fail("login contains whitespace", out reason);

        if (!PasswordHash.IsWellFormed(fields[1].Trim(), out var hashProblem))
            return Fail($"unusable password hash: {hashProblem}", out reason);

        var addresses = new List<string>();
        if (fields.Length == 3)
        {
            foreach (var raw in fields[2].Split(','))
            {
                var address = raw.Trim();
                if (!SenderAddress.LooksLikeAddress(address))
                    return Fail($"sender address {addresses.Count + 1} is not local@domain", out reason);
                addresses.Add(SenderAddress.NormalizeDomain(address));
            }
        }

        user = new SmtpUser(login, fields[1].Trim(), addresses);
        reason = "";
        return true;
    }

    private static bool Fail(string why, out string reason)
    {
        reason = why;
        return false;
    }
}
