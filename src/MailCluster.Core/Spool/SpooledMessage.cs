namespace MailCluster.Core.Spool;

/// <summary>
/// A message as accepted: envelope plus the exact octets to store. <see cref="Content"/> is the trace header
/// followed by the body byte for byte as received (after dot-unstuffing). <see cref="Routes"/>, when given, says
/// which delivery queue owns each recipient; the spool row then is that queue's entry (the only durable write on
/// the 250 path), and the queue rebuilds its entries from these rows after a restart.
/// </summary>
public sealed record SpooledMessage(
    string QueueId,
    string Sender,
    IReadOnlyList<string> Recipients,
    string ClientIp,
    string HeloName,
    DateTimeOffset ReceivedAt,
    ReadOnlyMemory<byte> Content,
    IReadOnlyList<SpooledRoute>? Routes = null)
{
    /// <summary>The queue key and original recipient of recipient <paramref name="index"/>; empty when not routed.</summary>
    public SpooledRoute RouteOf(int index) => Routes is { } routes && index < routes.Count ? routes[index] : SpooledRoute.None;
}

/// <param name="QueueKey">The sharded queue entity that owns the recipient (its next hop, and partition if any).</param>
/// <param name="OriginalRecipient">The address as the client gave it, before alias expansion (for the DSN).</param>
public sealed record SpooledRoute(string? QueueKey, string? OriginalRecipient)
{
    public static readonly SpooledRoute None = new(null, null);
}

/// <summary>One queue entry as the spool holds it: what a queue needs to know of a recipient it owns.</summary>
public sealed record SpooledEntry(
    string QueueId,
    string Recipient,
    string OriginalRecipient,
    string Sender,
    DateTimeOffset ReceivedAt,
    long Size);
