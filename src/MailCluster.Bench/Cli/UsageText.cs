namespace MailCluster.Bench.Cli;

public static class UsageText
{
    public const string Text = """
        usage:
          mailcluster-bench send --host 127.0.0.1 --port 2525 --messages 2000 --concurrency 10 --size 4096
                                 [--from bench@localhost] [--to user@localhost]... [--helo bench.local]
                                 [--messages-per-connection 1] [--timeout-seconds 60] [--json]
          mailcluster-bench idle --host 127.0.0.1 --port 2525 --sessions 1000 --hold-seconds 20
                                 [--pid PID] [--batch 100] [--helo bench.local] [--timeout-seconds 60]

        send   C workers share N messages of about S bytes; each worker runs a plain SMTP session
               (no pipelining) and reports accept latency (MAIL FROM .. 250 after the final dot).
               --to may be repeated or given as a comma list.
               Exit code: 0 all accepted, 1 any message failed, 2 bad arguments.
        idle   Opens K sessions (EHLO, then idle) in batches, holds them, then QUITs them all.
               With --pid, prints that process's resident memory before, with sessions open, and
               about 5 s after closing. Exit code: 0 all sessions opened, 1 otherwise, 2 bad arguments.
        """;
}
