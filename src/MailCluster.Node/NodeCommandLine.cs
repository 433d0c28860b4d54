using System.CommandLine;
using System.CommandLine.Help;

namespace MailCluster.Node;

/// <summary>What the node was asked to do.</summary>
public enum NodeMode { Run, ValidateConfig, Migrate, HashPassword, Help }

/// <summary>The node's command line, parsed by System.CommandLine so --help, errors and completion match mailctl's.</summary>
public sealed record NodeCommandLine(IReadOnlyList<string> ConfigFiles, NodeMode Mode, string? Error, ParseResult Parsed)
{
    private const string Description = """
        Runs one MailCluster node: the embedded reference.conf, with each --config file layered over it in order (later
        files override earlier ones; a file may include others). Signals: SIGTERM/SIGINT stop the node cleanly; SIGHUP
        reloads the policy from the --config files without dropping sessions.
        """;

    public static NodeCommandLine Parse(string[] args)
    {
        var config = new Option<string[]>("--config", "-c")
        {
            Description = "HOCON file layered over the embedded reference.conf; repeat to layer several",
            HelpName = "FILE",
            Recursive = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var root = new RootCommand(Description) { config };
        var modes = new Dictionary<Command, NodeMode>
        {
            [new Command("validate-config", "check the configuration, print every problem, exit 0 if valid (78 if not)")] = NodeMode.ValidateConfig,
            [new Command("migrate", "create the storage tables (spool, journal, snapshots) and exit; for auto-migrate = off")] = NodeMode.Migrate,
            [new Command("hash-password", "read a password from stdin, print its PBKDF2 hash for mailcluster.auth.users")] = NodeMode.HashPassword,
        };
        foreach (var command in modes.Keys) root.Add(command);
        // Running the node is the root command itself: without an action the parser would demand a subcommand.
        root.SetAction(_ => 0);
        var parsed = root.Parse(args);
        var files = parsed.GetValue(config) ?? [];
        if (parsed.Action is HelpAction) return new(files, NodeMode.Help, null, parsed);
        if (parsed.Errors.Count > 0) return new(files, NodeMode.Run, string.Join("; ", parsed.Errors.Select(e => e.Message)), parsed);
        return new(files, modes.GetValueOrDefault(parsed.CommandResult.Command, NodeMode.Run), null, parsed);
    }

    /// <summary>Prints the help of the command asked about (the node's, or a subcommand's) to stdout.</summary>
    public int PrintHelp() => Parsed.Invoke(new InvocationConfiguration { Output = Console.Out, Error = Console.Error });
}
