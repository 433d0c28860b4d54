using MailCluster.Core.Delivery;
using MailCluster.Core.Delivery.Client;

namespace MailCluster.Cluster.Delivery;

/// <summary>One SMTP or LMTP connection, reused for every message the queue hands its worker.</summary>
public sealed class SmtpTransport(SmtpDeliveryClient client, TimeSpan quitTimeout) : IDeliveryTransport
{
    public bool IsUsable => client.IsUsable;

    /// <summary>A connection used within the last second is trusted as is; an older one gets a NOOP first.</summary>
    public async Task<bool> ProbeAsync(CancellationToken cancellationToken) =>
        client.IsUsable && (DateTimeOffset.UtcNow - client.LastActivity < TimeSpan.FromSeconds(1) || await client.ProbeAsync(cancellationToken));

    public Task<IReadOnlyList<RecipientResult>> DeliverAsync(OutboundMessage message, CancellationToken cancellationToken) =>
        client.DeliverAsync(message, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(quitTimeout);
            if (client.IsUsable) await client.QuitAsync(timeout.Token);
        }
        catch (Exception) { } // the remote side may already be gone; nothing depends on a clean QUIT
        await client.DisposeAsync();
    }
}
