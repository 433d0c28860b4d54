using System.Net;

namespace MailCluster.Core.Dnsbl;

/// <summary>Checks a client address against DNS blocklists.</summary>
public interface IDnsblLookup
{
    /// <summary>
    /// Queries all <paramref name="zones"/> in parallel and combines the answers with
    /// <see cref="DnsblResult.Combine"/>. Never throws for DNS trouble (that is a
    /// <see cref="LookupFailed"/>); throws <see cref="OperationCanceledException"/> if
    /// <paramref name="ct"/> is cancelled.
    /// </summary>
    Task<DnsblResult> CheckAsync(IPAddress client, IReadOnlyList<DnsblZone> zones, CancellationToken ct);
}
