using MailCluster.Bench.Cli;

namespace MailCluster.Bench.Send;

public sealed record SendOptions(
    ConnectionOptions Connection,
    int Messages,
    int Concurrency,
    int SizeBytes,
    string From,
    IReadOnlyList<string> To,
    int MessagesPerConnection,
    bool Json)
{
    public static SendOptions Parse(ArgParser args)
    {
        var connection = ConnectionOptions.Parse(args);
        var from = args.GetString("from", "bench@localhost");
        // "--to a --to b,c" both work; an empty list falls back to the default recipient.
        var to = args.GetAll("to")
            .SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        if (to.Count == 0) to.Add("user@localhost");
        foreach (var address in to.Prepend(from)) ValidateAddress(address);

        var options = new SendOptions(
            connection,
            args.GetInt("messages", 2000, 1),
            args.GetInt("concurrency", 10, 1),
            args.GetInt("size", 4096, 1),
            from,
            to,
            args.GetInt("messages-per-connection", 1, 1),
            args.GetFlag("json"));
        args.EnsureAllUsed();
        return options;
    }

    // Only guards against text that would break the command line we write, not full RFC 5321 syntax.
    private static void ValidateAddress(string address)
    {
        if (!address.Contains('@') || address.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' || c > '~'))
            throw new UsageException($"'{address}' is not a plain ASCII address like user@localhost");
    }
}
