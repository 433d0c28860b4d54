using System.Net;

namespace MailCluster.Cluster.Admin;

/// <summary>mailcluster.admin: where the admin HTTP API listens and the bearer token it requires (empty: none).</summary>
public sealed record AdminSettings(bool Enabled, IPEndPoint Endpoint, string Token)
{
    public static AdminSettings Default { get; } = new(true, new IPEndPoint(IPAddress.Loopback, 8025), "");

    public bool RequiresToken => Token.Length > 0;
}
