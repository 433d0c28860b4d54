namespace MailCluster.Core.Spool;

/// <summary>
/// A message as accepted: envelope plus the exact octets to store. <see cref="Content"/> is the trace header
/// followed by the body byte for byte as received (after dot-unstuffing).
/// </summary>
public sealed record SpooledMessage(
    string QueueId,
    string Sender,
    IReadOnlyList<string> Recipients,
    string ClientIp,
    string HeloName,
    DateTimeOffset ReceivedAt,
    ReadOnlyMemory<byte> Content);
