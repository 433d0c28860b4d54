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
}
