using MimeKit.Cryptography;

namespace MailCluster.Core.Dkim;

/// <summary>The signing algorithms MailCluster offers: rsa-sha256 (RFC 6376) and ed25519-sha256 (RFC 8463).</summary>
public enum DkimAlgorithm
{
    RsaSha256,
    Ed25519Sha256,
}

public static class DkimAlgorithms
{
    /// <summary>The a= tag name, also the HOCON value.</summary>
    public static string Name(this DkimAlgorithm algorithm) => algorithm switch
    {
        DkimAlgorithm.RsaSha256 => "rsa-sha256",
        _ => "ed25519-sha256",
    };

    /// <summary>The k= tag of the DNS record.</summary>
    public static string KeyType(this DkimAlgorithm algorithm) => algorithm == DkimAlgorithm.RsaSha256 ? "rsa" : "ed25519";

    /// <summary>Accepts the tag names and the short key types ("rsa", "ed25519").</summary>
    public static bool TryParse(string text, out DkimAlgorithm algorithm)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "rsa-sha256" or "rsa": algorithm = DkimAlgorithm.RsaSha256; return true;
            case "ed25519-sha256" or "ed25519": algorithm = DkimAlgorithm.Ed25519Sha256; return true;
            default: algorithm = default; return false;
        }
    }

    public static DkimSignatureAlgorithm ToMimeKit(this DkimAlgorithm algorithm) =>
        algorithm == DkimAlgorithm.RsaSha256 ? DkimSignatureAlgorithm.RsaSha256 : DkimSignatureAlgorithm.Ed25519Sha256;
}
