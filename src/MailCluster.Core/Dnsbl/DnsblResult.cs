using System.Net;

namespace MailCluster.Core.Dnsbl;

/// <summary>
/// The verdict of checking a client address against DNS blocklists: <see cref="NotListed"/>,
/// <see cref="Listed"/> or <see cref="LookupFailed"/>.
/// </summary>
public abstract record DnsblResult
{
    /// <summary>
    /// Folds per-zone results (in the operator's zone order) into one verdict: the first
    /// <see cref="Listed"/> wins, else the first <see cref="LookupFailed"/>, else <see cref="NotListed"/>.
    /// A listing beats a failure because one list's outage must not hide another list's answer.
    /// </summary>
    public static DnsblResult Combine(IEnumerable<DnsblResult> inZoneOrder)
    {
        DnsblResult? firstFailure = null;
        foreach (var result in inZoneOrder)
        {
            if (result is Listed) return result;
            if (result is LookupFailed && firstFailure is null) firstFailure = result;
        }
        return firstFailure ?? new NotListed();
    }
}

/// <summary>No zone lists the client.</summary>
public sealed record NotListed : DnsblResult;

/// <summary>A zone lists the client with <paramref name="Code"/> (a 127.0.0.0/8 address).</summary>
/// <param name="Text">The zone's TXT record for the entry (usually a reason or URL), if it has one.</param>
public sealed record Listed(string Zone, IPAddress Code, string? Text) : DnsblResult;

/// <summary>
/// The zone could not be consulted (timeout, SERVFAIL, refused, network error, nonsensical answer).
/// The caller must defer (4xx), never permit: an unreachable list is not a clean bill of health.
/// </summary>
public sealed record LookupFailed(string Zone, string Reason) : DnsblResult;
