namespace MailCluster.Core.Delivery;

public enum DeliveryStatus { Delivered, Deferred, Failed }

/// One recipient's outcome. EnhancedStatus like "5.1.1"; Diagnostic is the remote reply text as "smtp; 550 5.1.1 <x>: user unknown" (RFC 3464 Diagnostic-Code form) or a local explanation; RemoteMta is the host name we talked to, if any.
public sealed record RecipientResult(string Recipient, DeliveryStatus Status, string EnhancedStatus, string Diagnostic, string? RemoteMta = null);

/// A message to hand over. Content is the stored octets (trace header + body exactly as received).
public sealed record OutboundMessage(string QueueId, string Sender, IReadOnlyList<string> Recipients, ReadOnlyMemory<byte> Content, bool RequiresSmtpUtf8 = false);
