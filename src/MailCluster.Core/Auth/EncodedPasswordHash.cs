using System.Globalization;

namespace MailCluster.Core.Auth;

/// <summary>
/// The parts of a "pbkdf2-sha256$iterations$salt$hash" string. Parsing checks structure only; whether the
/// iteration count is strong enough is a policy question left to <see cref="PasswordHash.IsWellFormed"/>.
/// Reasons never quote the input: a misplaced plain-text password must not end up in a log.
/// </summary>
internal sealed record EncodedPasswordHash(int Iterations, byte[] Salt, byte[] Hash)
{
    public const string Scheme = "pbkdf2-sha256";
    public const int SaltBytes = 16;
    public const int HashBytes = 32;

    /// <summary>A ceiling so a typo in the users file cannot stall every login for minutes.</summary>
    public const int MaxIterations = 10_000_000;

    public string Format() =>
        $"{Scheme}${Iterations.ToString(CultureInfo.InvariantCulture)}${Convert.ToBase64String(Salt)}${Convert.ToBase64String(Hash)}";

    public static bool TryParse(string? encoded, out EncodedPasswordHash parsed, out string reason)
    {
        parsed = null!;
        if (string.IsNullOrEmpty(encoded))
            return Fail("empty", out reason);

        var parts = encoded.Split('$');
        if (parts.Length == 1)
            return Fail($"not a hash (plain text?); expected {Scheme}$<iterations>$<salt>$<hash>", out reason);
        if (parts[0] != Scheme)
            return Fail($"unknown scheme; only {Scheme} is supported", out reason);
        if (parts.Length != 4)
            return Fail($"expected 4 '$'-separated fields, found {parts.Length}", out reason);

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
            return Fail("iteration count is not a positive integer", out reason);
        if (iterations > MaxIterations)
            return Fail($"iteration count above {MaxIterations}", out reason);
        if (!TryDecode(parts[2], SaltBytes, out var salt))
            return Fail($"salt is not base64 of {SaltBytes} bytes", out reason);
        if (!TryDecode(parts[3], HashBytes, out var hash))
            return Fail($"hash is not base64 of {HashBytes} bytes", out reason);

        parsed = new EncodedPasswordHash(iterations, salt, hash);
        reason = "";
        return true;
    }

    private static bool TryDecode(string text, int expectedBytes, out byte[] bytes)
    {
        // Convert.TryFromBase64String needs a destination at least as long as the decoded data, so allow slack
        // and then insist on the exact length.
        var buffer = new byte[expectedBytes + 3];
        var ok = Convert.TryFromBase64String(text, buffer, out var written) && written == expectedBytes;
        bytes = ok ? buffer[..expectedBytes] : [];
        return ok;
    }

    private static bool Fail(string why, out string reason)
    {
        reason = why;
        return false;
    }
}
