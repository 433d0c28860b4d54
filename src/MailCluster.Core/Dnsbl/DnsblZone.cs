using System.Net;

namespace MailCluster.Core.Dnsbl;

/// <summary>One DNS blocklist to consult, e.g. "zen.example".</summary>
/// <param name="Zone">The list's DNS zone; the reversed client address is prefixed to it.</param>
/// <param name="MatchCodes">
/// When set, only these 127.0.0.x answers count as a listing. Lists encode different
/// meanings in the code (e.g. "policy block" vs "spam source"), so an operator may only
/// want to act on some of them; other codes are then treated as not listed.
/// </param>
public sealed record DnsblZone(string Zone, IReadOnlyList<IPAddress>? MatchCodes = null);
