using MimeKit.Cryptography;

namespace MailCluster.Core.Dkim;

/// <summary>
/// What outbound signing uses: the keys per signing domain (several selectors sign at once, e.g. RSA and Ed25519 side
/// by side during a migration), which headers are signed, and the canonicalization.
/// </summary>
/// <param name="KeysByDomain">Signing domain (lower case) to its keys, in the order their signatures are added.</param>
/// <param name="SignedHeaders">h=, in order; listing a header once signs every instance present (RFC 6376 5.4.2).</param>
/// <param name="OversignedHeaders">Listed once more than present, so no instance can be added after signing (From always).</param>
/// <param name="SignatureLifetime">x= is t= plus this; zero sets no x=.</param>
public sealed record DkimSigningSettings(
    IReadOnlyDictionary<string, IReadOnlyList<DkimSigningKey>> KeysByDomain,
    IReadOnlyList<string> SignedHeaders,
    IReadOnlyList<string> OversignedHeaders,
    DkimCanonicalizationAlgorithm HeaderCanonicalization = DkimCanonicalizationAlgorithm.Relaxed,
    DkimCanonicalizationAlgorithm BodyCanonicalization = DkimCanonicalizationAlgorithm.Relaxed,
    TimeSpan SignatureLifetime = default)
{
    /// <summary>RFC 6376 5.4.1's list of headers to sign, less the Resent-* family, which forwarders add.</summary>
    public static IReadOnlyList<string> DefaultSignedHeaders { get; } =
    [
        "From", "Reply-To", "Subject", "Date", "To", "Cc", "In-Reply-To", "References", "Message-ID", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", "List-Id", "List-Help", "List-Unsubscribe", "List-Unsubscribe-Post",
        "List-Subscribe", "List-Post", "List-Owner", "List-Archive",
    ];

    public static IReadOnlyList<string> DefaultOversignedHeaders { get; } = ["From"];

    public static DkimSigningSettings None { get; } =
        new(new Dictionary<string, IReadOnlyList<DkimSigningKey>>(), DefaultSignedHeaders, DefaultOversignedHeaders);

    public bool Enabled => KeysByDomain.Count > 0;

    /// <summary>
    /// The keys for an author domain: its own, else the nearest parent's (mail.example.com signs as example.com, which
    /// DMARC's relaxed alignment accepts), as OpenDKIM's SubDomains does.
    /// </summary>
    public IReadOnlyList<DkimSigningKey> KeysFor(string authorDomain)
    {
        var domain = authorDomain.TrimEnd('.').ToLowerInvariant();
        while (true)
        {
            if (KeysByDomain.TryGetValue(domain, out var keys)) return keys;
            var dot = domain.IndexOf('.');
            if (dot < 0 || domain.IndexOf('.', dot + 1) < 0) return [];
            domain = domain[(dot + 1)..];
        }
    }

    /// <summary>The h= list: the signed headers, plus one more From (and each other oversigned header) than present.</summary>
    public IList<string> HeaderListFor(MimeKit.HeaderList present)
    {
        var list = new List<string>();
        foreach (var name in SignedHeaders.Prepend("From").Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var count = present.Count(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase));
            var oversign = name.Equals("From", StringComparison.OrdinalIgnoreCase)
                           || OversignedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase);
            // A header that is absent and not oversigned is left out, keeping h= short; listing it would sign its absence.
            for (var i = 0; i < count + (oversign ? 1 : 0); i++) list.Add(name);
        }
        return list;
    }
}
