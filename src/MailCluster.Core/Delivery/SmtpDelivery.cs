using MailCluster.Core.Delivery.Client;
using MailCluster.Core.Delivery.Dns;

namespace MailCluster.Core.Delivery;

/// <summary>One-shot delivery: connect for the route, send the message, QUIT.</summary>
public static class SmtpDelivery
{
    public static async Task<IReadOnlyList<RecipientResult>> DeliverAsync(
        SmtpRoute route, OutboundMessage message, MxResolver resolver, SmtpDeliveryOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var connection = await SmtpConnector.ConnectAsync(route, resolver, options, ct);
        if (connection.Client is not { } client) return connection.Failure!.For(message.Recipients);
        await using (client)
        {
            var results = await client.DeliverAsync(message, ct);
            await client.QuitAsync(ct);
            return results;
        }
    }
}
