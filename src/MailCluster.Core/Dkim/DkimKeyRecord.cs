namespace MailCluster.Core.Dkim;

/// <summary>
/// A published DKIM key record (RFC 6376 3.6.1), read as a tag list. Only what a postmaster's check needs: the
/// version, key type, public key data and flags, and whether it is the record for a given private key.
/// </summary>
public sealed record DkimKeyRecord(string? Version, string KeyType, string PublicKeyData, IReadOnlyList<string> Flags)
{
    public bool IsRevoked => PublicKeyData.Length == 0;

    /// <summary>t=y: the domain is testing DKIM, and verifiers may treat failures as unsigned mail.</summary>
    public bool IsTesting => Flags.Contains("y");

    public static bool TryParse(string text, out DkimKeyRecord record, out string error)
    {
        record = new DkimKeyRecord(null, "rsa", "", []);
        if (!TagList.TryParse(text, out var tags, out error)) return false;
        var version = tags["v"];
        if (version is not null && version != "DKIM1") { error = $"v={version} is not DKIM1"; return false; }
        if (tags["p"] is not { } data) { error = "no p= tag"; return false; }
        record = new DkimKeyRecord(version, (tags["k"] ?? "rsa").ToLowerInvariant(),
            string.Concat(data.Where(c => !char.IsWhiteSpace(c))),
            tags["t"] is { } flags ? flags.Split(':').Select(f => f.Trim()).ToList() : []);
        error = "";
        return true;
    }

    /// <summary>Whether this record publishes the public half of <paramref name="key"/>; if not, why.</summary>
    public (bool Matches, string Reason) Check(DkimAlgorithm algorithm, Org.BouncyCastle.Crypto.AsymmetricKeyParameter privateKey)
    {
        if (IsRevoked) return (false, "the record is revoked (empty p=)");
        if (KeyType != algorithm.KeyType()) return (false, $"the record is k={KeyType}, the key is {algorithm.KeyType()}");
        var expected = DkimKeyFile.PublicKeyTag(DkimKeyFile.PublicKeyOf(privateKey));
        return PublicKeyData == expected
            ? (true, "the published p= is this key's public key")
            : (false, "the published p= is a different key");
    }
}
