namespace MailCluster.Core.Routing;

/// <param name="Address">The final address to deliver to (after alias expansion).</param>
/// <param name="Hop">Where it goes next; <see cref="NextHop.Key"/> picks the queue.</param>
/// <param name="OriginalRecipient">The recipient as given in RCPT TO (for DSN Original-Recipient).</param>
public sealed record RoutedRecipient(string Address, NextHop Hop, string OriginalRecipient);
