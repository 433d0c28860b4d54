using MailCluster.Core.Dkim;

namespace MailCluster.Cluster.Signing;

/// <summary>The node's outbound DKIM signing, shared by every session; it runs on the session's own task, off the actor.</summary>
public sealed class OutboundSigning(DkimMessageSigner signer)
{
    public bool Enabled => signer.Settings.Enabled;

    /// <param name="ours">The client authenticated or is in mynetworks (<see cref="Policy.ClientTrust"/>).</param>
    public DkimSigningOutcome Sign(bool ours, ReadOnlyMemory<byte> message)
    {
        try { return signer.Sign(ours, message); }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An unsigned message is still deliverable; refusing it for our own fault would lose the user's mail.
            return DkimSigningOutcome.Skipped(DkimSigningOutcome.Failed) with { Selectors = [ex.Message] };
        }
    }
}
