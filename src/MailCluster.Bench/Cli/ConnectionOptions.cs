namespace MailCluster.Bench.Cli;

/// <summary>Where to connect and how to introduce ourselves; shared by both modes.</summary>
public sealed record ConnectionOptions(string Host, int Port, string Helo, TimeSpan ReplyTimeout)
{
    public static ConnectionOptions Parse(ArgParser args)
    {
        var helo = args.GetString("helo", "bench.local");
        if (helo.Length == 0 || helo.Any(char.IsWhiteSpace))
            throw new UsageException("--helo must be a non-empty name without spaces");
        return new ConnectionOptions(
            args.GetString("host", "127.0.0.1"),
            args.GetInt("port", 2525, 1, 65535),
            helo,
            TimeSpan.FromSeconds(args.GetInt("timeout-seconds", 60, 1)));
    }
}
