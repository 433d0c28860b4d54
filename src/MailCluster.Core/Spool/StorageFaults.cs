using Microsoft.Data.Sqlite;
using Npgsql;

namespace MailCluster.Core.Spool;

/// <summary>
/// Tells a full disk from other storage failures, so the client hears 452 4.3.1 "insufficient system storage"
/// (RFC 5321 4.2.3, RFC 3463 X.3.1, as Postfix answers when its queue file system is full) instead of a generic 451.
/// Either way the message was not accepted and the client keeps it.
/// </summary>
public static class StorageFaults
{
    private const int SqliteFull = 13; // SQLITE_FULL: the unix VFS reports ENOSPC and short writes (RLIMIT_FSIZE) so
    private const string PostgresDiskFull = "53100"; // disk_full
    private const int Enospc = 28, Efbig = 27, Edquot = 122; // Linux errno, the HResult of an IOException on Unix
    private const int WindowsDiskFull = unchecked((int)0x80070070), WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>True when <paramref name="failure"/> or any exception inside it says the storage has no space left.</summary>
    public static bool IsOutOfSpace(Exception? failure)
    {
        for (var ex = failure; ex is not null; ex = ex.InnerException)
        {
            if (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(IsOutOfSpace)) return true;
            if (ex switch
                {
                    SqliteException sqlite => sqlite.SqliteErrorCode == SqliteFull,
                    PostgresException postgres => postgres.SqlState == PostgresDiskFull,
                    IOException io => io.HResult is Enospc or Efbig or Edquot or WindowsDiskFull or WindowsHandleDiskFull,
                    _ => false,
                })
                return true;
        }
        return false;
    }
}
