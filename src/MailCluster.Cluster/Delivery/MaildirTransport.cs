using MailCluster.Core.Delivery;
using MailCluster.Core.Delivery.Local;

namespace MailCluster.Cluster.Delivery;

/// <summary>Local delivery: one crash-safe Maildir file per recipient (Postfix's local/virtual).</summary>
public sealed class MaildirTransport(MaildirDelivery maildir) : IDeliveryTransport
{
    public bool IsUsable => true;

    public Task<bool> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<IReadOnlyList<RecipientResult>> DeliverAsync(OutboundMessage message, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<RecipientResult>>(() => message.Recipients.Select(r => DeliverOne(message, r)).ToList(), cancellationToken);

    private RecipientResult DeliverOne(OutboundMessage message, string recipient)
    {
        try
        {
            var file = maildir.Deliver(message.Sender, recipient, message.Content);
            return new RecipientResult(recipient, DeliveryStatus.Delivered, "2.0.0", $"x-local; delivered to maildir {Path.GetFileName(file)}");
        }
        catch (InvalidMailboxException ex)
        {
            return new RecipientResult(recipient, DeliveryStatus.Failed, ex.EnhancedStatus, $"x-local; {ex.Reason}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Disk full, permissions: the mailbox may recover, so retry rather than bounce.
            return new RecipientResult(recipient, DeliveryStatus.Deferred, "4.3.0", $"x-local; cannot write mailbox: {ex.Message}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
