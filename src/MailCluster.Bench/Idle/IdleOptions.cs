using MailCluster.Bench.Cli;

namespace MailCluster.Bench.Idle;

public sealed record IdleOptions(ConnectionOptions Connection, int Sessions, int HoldSeconds, int? Pid, int BatchSize)
{
    public static IdleOptions Parse(ArgParser args)
    {
        var options = new IdleOptions(
            ConnectionOptions.Parse(args),
            args.GetInt("sessions", 1000, 1),
            args.GetInt("hold-seconds", 20, 0),
            args.GetOptionalInt("pid", 1),
            // 100 stays under common listen backlogs (Kestrel/.NET 512, many servers 128).
            args.GetInt("batch", 100, 1));
        args.EnsureAllUsed();
        if (options.Pid is { } pid && ProcessMemory.ReadResidentMegabytes(pid) is null)
            throw new UsageException($"--pid {pid}: no readable /proc/{pid}/status");
        return options;
    }
}
