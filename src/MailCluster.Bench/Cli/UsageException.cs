namespace MailCluster.Bench.Cli;

/// <summary>Bad command line: Program prints the message and the usage text, then exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
