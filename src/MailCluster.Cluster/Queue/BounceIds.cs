using System.Security.Cryptography;
using System.Text;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// Bounce queue ids are derived from what failed, so that a bounce re-requested after a crash (its request went out,
/// the fact that it did was not yet journaled) is the same message, not a second DSN.
/// </summary>
public static class BounceIds
{
    public static string For(string queueId, string hopKey, IEnumerable<string> recipients, string kind)
    {
        var text = string.Join('\n', new[] { queueId, hopKey, kind }.Concat(recipients.Order(StringComparer.Ordinal)));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return $"{queueId}{kind}{Convert.ToHexString(hash, 0, 4)}";
    }

    /// <summary>The kind of a double-bounce notice to the postmaster: such a notice that fails is never reported again.</summary>
    public const string DoubleBounce = "D";

    /// <summary>Whether this queue id is a double-bounce notice's (kind <see cref="DoubleBounce"/>, then 8 hex digits).</summary>
    public static bool IsDoubleBounceNotice(string queueId) =>
        queueId.Length > 9 && queueId[^9] == DoubleBounce[0] && queueId[^8..].All(char.IsAsciiHexDigitUpper);
}
