using System.Net;
using MailCluster.Core.Dkim;
using MailCluster.Core.Policy;

namespace MailCluster.Cluster.Signing;

/// <summary>
/// The node's outbound DKIM signing, shared by every session: who counts as ours (authenticated, or in mynetworks,
/// swapped on a policy reload) and the signer. Signing runs on the session's own task, off the actor.
/// </summary>
public sealed class OutboundSigning(DkimMessageSigner signer, NetworkList mynetworks)
{
    private volatile NetworkList _mynetworks = mynetworks;

    public bool Enabled => signer.Settings.Enabled;

    public NetworkList Mynetworks { get => _mynetworks; set => _mynetworks = value; }

    /// <summary>
    /// The same test permit-mynetworks and permit-sasl-authenticated make: mail we would relay for this client is mail
    /// we vouch for.
    /// </summary>
    public bool IsOurs(IPAddress client, string? authenticatedUser) => authenticatedUser is not null || _mynetworks.Contains(client);

    public DkimSigningOutcome Sign(IPAddress client, string? authenticatedUser, ReadOnlyMemory<byte> message)
    {
        try { return signer.Sign(IsOurs(client, authenticatedUser), message); }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An unsigned message is still deliverable; refusing it for our own fault would lose the user's mail.
            return DkimSigningOutcome.Skipped(DkimSigningOutcome.Failed) with { Selectors = [ex.Message] };
        }
    }
}
