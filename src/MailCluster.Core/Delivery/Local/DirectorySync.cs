using System.Runtime.InteropServices;

namespace MailCluster.Core.Delivery.Local;

/// <summary>
/// fsync on a directory, so that a rename or a new entry in it survives a crash (on Linux the data of the file
/// can be on disk while the name pointing to it is not). .NET refuses to open directories as files, hence libc.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY; enough for fsync, and the same value on every Unix.

    public static void Flush(string directory)
    {
        // NTFS journals its metadata and Windows cannot open a directory for flushing this way anyway.
        if (OperatingSystem.IsWindows()) return;
        var fd = Open(directory, ReadOnly);
        if (fd < 0) throw Failure("open", directory);
        try
        {
            if (Fsync(fd) != 0) throw Failure("fsync", directory);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static IOException Failure(string call, string directory)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call}({directory}) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
