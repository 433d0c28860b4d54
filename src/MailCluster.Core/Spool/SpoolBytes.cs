using System.Runtime.InteropServices;

namespace MailCluster.Core.Spool;

internal static class SpoolBytes
{
    /// <summary>
    /// The content as an array for the database driver, without a copy when it already is one whole array (it is, as
    /// the session builds it): at 100 KB a message, the copy was a measurable share of the CPU per message.
    /// </summary>
    public static byte[] AsArray(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment) && segment.Array is { } array && segment.Offset == 0 && segment.Count == array.Length
            ? array
            : content.ToArray();
}
