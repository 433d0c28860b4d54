namespace MailCluster.Cli;

/// <summary>The mailctl entry point, callable in-process (tests) with any <see cref="CliConsole"/>.</summary>
public static class MailCtl
{
    public const string Usage = """
        usage: mailctl policy test --config FILE [--listener NAME] --ip IP --helo NAME --from ADDR --to ADDR [--to ADDR...]
                                   [--auth LOGIN] [--no-dnsbl] [--json]
               mailctl config validate FILE
               mailctl passwd
          policy test      what would the node answer to this MAIL FROM and these RCPT TOs? One line per command with
                           the verdict and the rule that decided it. Exit 0 if all are permitted, 1 if any is rejected
                           or deferred. --listener defaults to mx. --auth LOGIN acts as if LOGIN had authenticated.
                           DNSBL zones are queried for real, at the configured servers only; --no-dnsbl skips them.
          config validate  check a config file as the node would at startup; print every problem
          passwd           read a password from stdin (twice, without echo, from a terminal) and print its
                           PBKDF2 hash for mailcluster.auth.users or the users file
        exit status: 0 ok, 1 refused (policy test), 2 usage error, 78 configuration error
        """;

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken ct = default)
    {
        try
        {
            return args switch
            {
                [] => throw new UsageException("no command given"),
                ["help" or "--help" or "-h"] => Help(console),
                ["policy", "test", .. var rest] => await PolicyTestCommand.RunAsync(rest, console, ct),
                ["config", "validate", .. var rest] => ConfigValidateCommand.Run(rest, console),
                ["passwd", .. var rest] => PasswdCommand.Run(rest, console),
                _ => throw new UsageException($"unknown command '{string.Join(' ', args.Take(2))}'"),
            };
        }
        catch (UsageException ex)
        {
            console.Error.WriteLine($"mailctl: {ex.Message}");
            console.Error.WriteLine(Usage);
            return ExitCodes.Usage;
        }
    }

    private static int Help(CliConsole console)
    {
        console.Out.WriteLine(Usage);
        return ExitCodes.Ok;
    }
}
