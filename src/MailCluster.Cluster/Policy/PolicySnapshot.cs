using MailCluster.Core.Auth;
using MailCluster.Core.Dnsbl;
using MailCluster.Core.Policy;

namespace MailCluster.Cluster.Policy;

/// <summary>
/// The whole policy as loaded from config: swapped atomically on reload, so a session never sees half of an old
/// policy and half of a new one.
/// </summary>
public sealed record PolicySnapshot(
    RelayPolicyRules Rules,
    IReadOnlyDictionary<string, ListenerPolicy> Listeners,
    UserDirectory Users,
    IReadOnlyList<DnsblZone> DnsblZones,
    DnsblLookupOptions? Dnsbl,
    RateLimits? RateLimits = null,
    AuthLockoutSettings? AuthLockoutSettings = null)
{
    public RateLimits Limits => RateLimits ?? Core.Policy.RateLimits.None;

    /// <summary>Policies built without one (tests, tools) lock nothing out; a loaded config always has one.</summary>
    public AuthLockoutSettings AuthLockout => AuthLockoutSettings ?? Core.Auth.AuthLockoutSettings.None;

    public ListenerPolicy For(string listener) => Listeners.TryGetValue(listener, out var p) ? p : ListenerPolicy.Default;
}
