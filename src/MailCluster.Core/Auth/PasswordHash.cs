using System.Security.Cryptography;

namespace MailCluster.Core.Auth;

/// <summary>
/// Self-describing PBKDF2-SHA256 password hashes: "pbkdf2-sha256$&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 hash&gt;".
/// The iteration count travels with the hash so it can be raised later without invalidating stored users.
/// Nothing here ever puts a password into an exception or a reason string.
/// </summary>
public static class PasswordHash
{
    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultIterations = 210_000;

    /// <summary>Below this a stolen users file is too cheap to brute-force; config validation refuses it.</summary>
    public const int MinimumIterations = 100_000;

    /// <summary>Any count of 1 or more is accepted here so tests can stay fast; configs are held to
    /// <see cref="MinimumIterations"/> by <see cref="IsWellFormed"/>.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, EncodedPasswordHash.MaxIterations);

        var salt = RandomNumberGenerator.GetBytes(EncodedPasswordHash.SaltBytes);
        var hash = Derive(password, salt, iterations);
        return new EncodedPasswordHash(iterations, salt, hash).Format();
    }

    /// <summary>False for a wrong password and for an unparseable hash alike: callers only need "let in or not".</summary>
    public static bool Verify(string password, string encoded)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!EncodedPasswordHash.TryParse(encoded, out var stored, out _))
            return false;

        var candidate = Derive(password, stored.Salt, stored.Iterations);
        // A plain SequenceEqual would return at the first differing byte and leak how much of the hash matched.
        return CryptographicOperations.FixedTimeEquals(candidate, stored.Hash);
    }

    /// <summary>Config-time check: refuses plain text, other schemes, weak iteration counts and bad base64.</summary>
    public static bool IsWellFormed(string encoded, out string reason)
    {
        if (!EncodedPasswordHash.TryParse(encoded, out var parsed, out reason))
            return false;
        if (parsed.Iterations < MinimumIterations)
        {
            reason = $"iteration count below the minimum of {MinimumIterations}";
            return false;
        }
        return true;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, EncodedPasswordHash.HashBytes);
}
