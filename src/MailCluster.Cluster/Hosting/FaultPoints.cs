using System.Diagnostics;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// Named places where a test can have the node die as if by kill -9, to prove that a crash between any two steps of
/// acceptance loses nothing that was acknowledged. Armed only by the MAILCLUSTER_FAULT_POINT environment variable
/// (a test sets it on the node process it starts); unset, a fault point costs one comparison.
/// </summary>
public static class FaultPoints
{
    /// <summary>The message is routed and about to be stored: nothing is durable yet.</summary>
    public const string BeforeSpoolCommit = "acceptance.before-spool-commit";
    /// <summary>The spool commit is done; no queue has been told and no 250 sent.</summary>
    public const string AfterSpoolCommit = "acceptance.after-spool-commit";
    /// <summary>The queues have been sent their notices; the 250 is not sent yet.</summary>
    public const string AfterQueueNotice = "acceptance.after-queue-notice";
    /// <summary>The 250 has been written to the client's socket.</summary>
    public const string AfterReply = "acceptance.after-reply";

    private static readonly string? Armed = Environment.GetEnvironmentVariable("MAILCLUSTER_FAULT_POINT");

    public static bool IsArmed => Armed is not null;

    public static void Hit(string point)
    {
        if (Armed is null || !string.Equals(Armed, point, StringComparison.Ordinal)) return;
        Console.Error.WriteLine($"fault point {point} reached: killing the process");
        Console.Error.Flush();
        // SIGKILL on Linux: no finalizers, no flush, no graceful shutdown, exactly what a crash leaves behind.
        Process.GetCurrentProcess().Kill();
    }
}
