using System.Net;

namespace MailCluster.Core.Delivery.Dns;

public enum MxResolutionKind
{
    /// <summary><see cref="MxResolution.Hosts"/> holds at least one host with at least one address.</summary>
    Resolved,
    /// <summary>RFC 7505 null MX: the domain accepts no mail. Recipients fail with 5.1.10.</summary>
    NullMx,
    /// <summary>NXDOMAIN for the domain. Recipients fail with 5.1.2.</summary>
    NoSuchDomain,
    /// <summary>The names exist but no mail host has an address (NODATA all the way). Recipients fail with 5.4.4.</summary>
    NoAddresses,
    /// <summary>SERVFAIL, timeout, network error: ask again later. Recipients are deferred with 4.4.3.</summary>
    TemporaryFailure,
}

/// <summary>One mail host to try, with its addresses in the order to try them.</summary>
/// <param name="Name">The MX exchange (or the domain itself for the implicit MX / a literal route), no trailing dot.</param>
/// <param name="Preference">MX preference; 0 for the implicit MX and literal routes.</param>
public sealed record MxHost(string Name, int Preference, IReadOnlyList<IPAddress> Addresses);

/// <summary>
/// The outcome of <see cref="MxResolver.ResolveAsync"/>: hosts in the order to try them, or why there are none.
/// </summary>
/// <param name="Domain">The domain (or host) that was looked up, in ASCII form.</param>
/// <param name="Hosts">Empty unless <see cref="Kind"/> is <see cref="MxResolutionKind.Resolved"/>.</param>
/// <param name="Detail">A human-readable explanation, used in diagnostics ("Host or domain name not found ...").</param>
/// <param name="ImplicitMx">True when there was no MX and the domain's own A/AAAA is used (RFC 5321 section 5.1).</param>
public sealed record MxResolution(string Domain, MxResolutionKind Kind, IReadOnlyList<MxHost> Hosts, string Detail, bool ImplicitMx = false)
{
    public bool Succeeded => Kind == MxResolutionKind.Resolved;

    /// <summary>
    /// The per-recipient outcome for a failed resolution (null when <see cref="Succeeded"/>):
    /// null MX → Failed 5.1.10, NXDOMAIN → Failed 5.1.2, no addresses → Failed 5.4.4, temporary → Deferred 4.4.3.
    /// </summary>
    public DeliveryFailure? ToFailure() => Kind switch
    {
        MxResolutionKind.Resolved => null,
        MxResolutionKind.NullMx => DeliveryFailure.Failed("5.1.10", $"Domain {Domain} does not accept mail (nullMX)"),
        MxResolutionKind.NoSuchDomain => DeliveryFailure.Failed("5.1.2", $"Host or domain name not found. {Detail}"),
        MxResolutionKind.NoAddresses => DeliveryFailure.Failed("5.4.4", $"Host or domain name not found. {Detail}"),
        _ => DeliveryFailure.Deferred("4.4.3", $"Host or domain name not found. {Detail}"),
    };

    internal static MxResolution Fail(string domain, MxResolutionKind kind, string detail) => new(domain, kind, [], detail);
}
