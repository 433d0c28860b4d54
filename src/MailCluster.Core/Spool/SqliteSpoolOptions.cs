namespace MailCluster.Core.Spool;

/// <param name="Path">The database file. WAL mode and synchronous=FULL are set on open.</param>
/// <param name="BusyTimeout">How long a write waits for a lock before the store counts as unavailable.</param>
/// <param name="MaxBatchMessages">Upper bound on messages committed together by the group-commit writer.</param>
/// <param name="MaxBatchBytes">Upper bound on content octets committed together.</param>
public sealed record SqliteSpoolOptions(string Path, TimeSpan BusyTimeout, int MaxBatchMessages = 256, long MaxBatchBytes = 32 * 1024 * 1024);
