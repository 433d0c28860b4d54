using System.CommandLine;
using System.CommandLine.Help;
using MailCluster.Cli.Admin;

namespace MailCluster.Cli;

/// <summary>The mailctl entry point, callable in-process (tests) with any <see cref="CliConsole"/>.</summary>
public static class MailCtl
{
    /// <summary>Printed above the root --help: what each command is for, which the per-command help then details.</summary>
    public const string Overview = """
        usage: mailctl policy test --config FILE --ip IP --helo NAME --from ADDR --to ADDR [--to ADDR...] [--message FILE]
               mailctl config validate FILE [FILE...]
               mailctl passwd
               mailctl dkim keygen --domain D --selector S [--algorithm rsa|ed25519] [--out FILE] [--force]
               mailctl dkim check --domain D --selector S --key FILE [--dns ADDR[:PORT]...]
               mailctl queue list | show HOP | flush [HOP... | --id ID]
               mailctl queue hold|release|delete ID... | --domain D --sender ADDR --older-than AGE
               mailctl qshape [--hop HOP] [--top N]
               mailctl cluster status
               mailctl message show|trace ID
               mailctl completion bash|zsh
          every command takes --help. Admin commands talk to a node's admin API: --url URL (default $MAILCTL_URL or
          http://127.0.0.1:8025), --token TOKEN (default $MAILCTL_TOKEN); tables for people, --json for scripts.
        exit status: 0 ok, 1 refused (policy test) / not found, nothing matched or not authorized (admin commands),
                     2 usage error, 69 node unreachable or not answering, 78 configuration error
        """;

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken ct = default)
    {
        var root = CommandTree.Build(console);
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new OverviewHelpAction((HelpAction)help.Action!);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction and not OverviewHelpAction)
        {
            foreach (var error in parsed.Errors) console.Error.WriteLine($"mailctl: {error.Message}");
            return UsageError(console, parsed.CommandResult.Command);
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (AdminUnreachableException ex)
        {
            console.Error.WriteLine($"mailctl: {ex.Message}");
            return ExitCodes.Unavailable;
        }
        catch (AdminErrorException ex)
        {
            console.Error.WriteLine($"mailctl: {ex.Message}");
            return ex.Status switch { 400 => ExitCodes.Usage, 503 => ExitCodes.Unavailable, _ => ExitCodes.Refused };
        }
        catch (UsageException ex)
        {
            console.Error.WriteLine($"mailctl: {ex.Message}");
            return UsageError(console, parsed.CommandResult.Command);
        }
    }

    private static int UsageError(CliConsole console, Command command)
    {
        var path = string.Join(' ', Path(command).Reverse().Skip(1).Prepend("mailctl"));
        console.Error.WriteLine($"usage: {path} ... ; '{path} --help' lists the options");
        return ExitCodes.Usage;
    }

    private static IEnumerable<string> Path(Command command)
    {
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault()) yield return c.Name;
    }

    /// <summary>The root's --help starts with the overview; every other command's help is System.CommandLine's.</summary>
    private sealed class OverviewHelpAction(HelpAction inner) : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult result)
        {
            if (result.CommandResult.Command is RootCommand) result.InvocationConfiguration.Output.WriteLine(Overview);
            return inner.Invoke(result);
        }
    }
}
