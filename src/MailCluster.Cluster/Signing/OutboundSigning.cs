using MailCluster.Core.Dkim;

namespace MailCluster.Cluster.Signing;

/// <summary>The node's outbound DKIM signing, shared by every session; it runs on the session's own task, off the actor.</summary>
public sealed class OutboundSigning(DkimMessageSigner signer)
{
    public bool Enabled => signer.Settings.Enabled;

    /// <summary>Signs mail from one of our clients (the session asked <see cref="Policy.ClientTrust"/> first).</summary>
    public DkimSigningOutcome Sign(ReadOnlyMemory<byte> message)
    {
        try { return signer.Sign(trustedClient: true, message); }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An unsigned message is still deliverable; refusing it for our own fault would lose the user's mail.
            return DkimSigningOutcome.Skipped(DkimSigningOutcome.Failed) with { Reason = ex.Message };
        }
    }
}
