using System.Runtime.InteropServices;

namespace MailCluster.Core.Messages;

public static class MessageBytes
{
    /// <summary>A read-only stream over the message's bytes, without copying them when they live in an array (they do).</summary>
    public static MemoryStream ReadOnlyStream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
}
