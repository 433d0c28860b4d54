using System.Net;
using MailCluster.Core.Policy;

namespace MailCluster.Cluster.Policy;

/// <summary>
/// Whether a client is one of ours: authenticated with AUTH, or in mynetworks (the test permit-mynetworks and
/// permit-sasl-authenticated make). Ours: its mail is signed and not checked. Anyone else: its mail is checked (SPF,
/// DKIM) and never signed. mynetworks is swapped on a policy reload.
/// </summary>
public sealed class ClientTrust(NetworkList mynetworks)
{
    private volatile NetworkList _mynetworks = mynetworks;

    public NetworkList Mynetworks { get => _mynetworks; set => _mynetworks = value; }

    public bool IsOurs(IPAddress client, string? authenticatedUser) => authenticatedUser is not null || _mynetworks.Contains(client);
}
