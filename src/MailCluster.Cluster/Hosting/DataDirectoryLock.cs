using System.Runtime.InteropServices;
using System.Text;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// An exclusive lock on a node's data directory (and on each other directory holding its SQLite files), held for
/// the life of the node: two nodes on one SQLite store would both run every queue in it and deliver each message
/// twice. The lock is the OS's (FileShare.None is flock(LOCK_EX) on Unix, a share lock on Windows), so it dies with
/// the process: a lock file left behind by kill -9 does not block the restart. The file holds the owner's PID, only
/// so that the refusal can say who has it.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "mailcluster.lock";

    private readonly List<FileStream> _held;

    private DataDirectoryLock(List<FileStream> held) => _held = held;

    /// <summary>Locks each directory, or throws a <see cref="ConfigValidationException"/> keyed by <paramref name="path"/>.</summary>
    public static DataDirectoryLock Acquire(IEnumerable<string> directories, string path)
    {
        var held = new List<FileStream>();
        try
        {
            foreach (var dir in directories.Select(System.IO.Path.GetFullPath).Distinct())
                held.Add(LockOne(dir, path));
            return new DataDirectoryLock(held);
        }
        catch
        {
            foreach (var stream in held) stream.Dispose();
            throw;
        }
    }

    private static FileStream LockOne(string directory, string path)
    {
        Directory.CreateDirectory(directory);
        var file = System.IO.Path.Combine(directory, FileName);
        FileStream stream;
        try { stream = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException ex)
        {
            var owner = ReadOwner(file);
            throw new ConfigValidationException([new ConfigProblem(ProblemSeverity.Error, path,
                $"{directory} is in use by another MailCluster node ({(owner is null ? "its PID is unknown" : $"PID {owner}")}, " +
                $"lock file {file}): two nodes on one data directory would run the same queues twice; stop it or give this node " +
                $"its own data-dir ({ex.Message})")]);
        }
        try
        {
            stream.SetLength(0);
            stream.Write(Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
            stream.Flush(flushToDisk: false);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The PID in the lock file. Read below .NET's FileStream, which on Unix takes flock(LOCK_SH) to read and so
    /// cannot open a file another process holds exclusively; the lock is advisory, the bytes are readable.
    /// </summary>
    private static string? ReadOwner(string file)
    {
        if (OperatingSystem.IsWindows()) return null;
        try
        {
            var fd = Open(file, 0 /* O_RDONLY */);
            if (fd < 0) return null;
            try
            {
                var buffer = new byte[32];
                var n = (int)Read(fd, buffer, buffer.Length);
                var text = n > 0 ? Encoding.ASCII.GetString(buffer, 0, n).Trim() : "";
                return text.Length > 0 && text.All(char.IsAsciiDigit) ? text : null;
            }
            finally { Close(fd); }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException) { return null; }
    }

    public void Dispose()
    {
        // The file stays (deleting it would race a node starting now); closing releases the lock.
        foreach (var stream in _held) stream.Dispose();
        _held.Clear();
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint Read(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
