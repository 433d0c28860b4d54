using System.Security.Cryptography;

namespace MailCluster.Core.Messages;

/// <summary>
/// Queue ids: 16 characters of Crockford base32 from a 48-bit millisecond timestamp and 32 random bits.
/// Sortable by arrival, unique across nodes without coordination, safe in logs and file names.
/// </summary>
public static class QueueId
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New() => New(DateTimeOffset.UtcNow);

    public static string New(DateTimeOffset at)
    {
        Span<byte> random = stackalloc byte[4];
        RandomNumberGenerator.Fill(random);
        var value = ((UInt128)(ulong)at.ToUnixTimeMilliseconds() << 32) | BitConverter.ToUInt32(random);
        Span<char> chars = stackalloc char[16];
        for (var i = 15; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
        return new string(chars);
    }

    public static bool IsValid(string id) => id.Length == 16 && id.All(c => Alphabet.Contains(c));
}
