namespace MailCluster.Core.Spool;

/// <param name="ConnectionString">An Npgsql connection string to the shared database (pooling is on by default).</param>
/// <param name="WriteTimeout">How long one group commit may take, connecting included, before its writes count as failed.</param>
/// <param name="MaxBatchMessages">Upper bound on writes committed together by the group-commit writer.</param>
/// <param name="MaxBatchBytes">Upper bound on content octets committed together.</param>
public sealed record PostgresSpoolOptions(string ConnectionString, TimeSpan WriteTimeout, int MaxBatchMessages = 256, long MaxBatchBytes = 32 * 1024 * 1024);
