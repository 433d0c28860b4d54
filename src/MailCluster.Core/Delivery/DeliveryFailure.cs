namespace MailCluster.Core.Delivery;

/// <summary>
/// One outcome that applies to every recipient of a message: a DNS failure, an unreachable destination,
/// a refused greeting, a refused MAIL or DATA, a lost connection. <see cref="For"/> spreads it out.
/// </summary>
public sealed record DeliveryFailure(DeliveryStatus Status, string EnhancedStatus, string Diagnostic, string? RemoteMta = null)
{
    public RecipientResult For(string recipient) => new(recipient, Status, EnhancedStatus, Diagnostic, RemoteMta);

    public IReadOnlyList<RecipientResult> For(IEnumerable<string> recipients) => recipients.Select(For).ToList();

    public static DeliveryFailure Deferred(string enhancedStatus, string diagnostic, string? remoteMta = null) =>
        new(DeliveryStatus.Deferred, enhancedStatus, diagnostic, remoteMta);

    public static DeliveryFailure Failed(string enhancedStatus, string diagnostic, string? remoteMta = null) =>
        new(DeliveryStatus.Failed, enhancedStatus, diagnostic, remoteMta);
}
