using System.CommandLine;
using MailCluster.Cli.Admin;

namespace MailCluster.Cli;

/// <summary>
/// mailctl's commands and options, declared once for parsing, --help on every command and shell completion.
/// --url, --token and --json are global: they go before or after the subcommand.
/// </summary>
public static class CommandTree
{
    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand("Operator tool for MailCluster: policy tests, config checks, DKIM keys, and the queues of a running cluster")
        {
            Global(new Option<string>("--url") { Description = "the node's admin API (default $MAILCTL_URL or " + AdminConnection.DefaultUrl + ")", HelpName = "URL" }),
            Global(new Option<string>("--token") { Description = "bearer token for the admin API (default $MAILCTL_TOKEN)", HelpName = "TOKEN" }),
            Global(new Option<bool>("--json") { Description = "JSON for scripts instead of tables" }),
        };
        root.Add(Policy(console));
        root.Add(Group("config", "configuration files", Leaf("validate", "check config files (later ones layered over earlier ones) as the node would at startup; print every problem",
            [Many("files", "FILE")], o => Task.FromResult(ConfigValidateCommand.Run(o, console)))));
        root.Add(Leaf("passwd", "read a password from stdin (twice, without echo, on a terminal) and print its PBKDF2 hash for mailcluster.auth.users",
            [], o => Task.FromResult(PasswdCommand.Run(o, console))));
        root.Add(Dkim(console));
        root.Add(Queue(console));
        root.Add(Leaf("qshape", "queued recipients per domain by age in minutes, like Postfix qshape",
            [Value("--hop", "only this next hop", "HOP"), Value("--top", "domains to show (default 20)", "N")], o => QshapeCommand.RunAsync(o, console)));
        root.Add(Group("cluster", "the cluster", Leaf("status", "members, their status and roles, and the queue shards each node hosts",
            [], o => ClusterStatusCommand.RunAsync(o, console))));
        root.Add(Group("message", "one message",
            Leaf("show", "envelope, per-recipient state in every queue, and the header fields",
                [One("id", "QUEUE-ID")], o => MessageShowCommand.RunAsync(o, console)),
            Leaf("trace", "the message's life from every node's recent mail log, in time order (session, acceptance, attempts, DSNs)",
                [One("id", "QUEUE-ID")], o => MessageTraceCommand.RunAsync(o, console))));
        root.Add(CompletionCommand.Build(console));
        return root;
    }

    private static Command Policy(CliConsole console) => Group("policy", "the relay and sender policy", Leaf("test",
        "what would the node answer to this MAIL FROM and these RCPT TOs? One line per command with the verdict and the rule " +
        "that decided it; exit 0 if all are permitted, 1 if any is rejected or deferred",
        [
            Values("--config", "config file(s) of the node, later ones layered over earlier ones", "FILE", required: true),
            Value("--listener", "the listener the client connects to (default mx)", "NAME"),
            Value("--ip", "the client's address", "IP", required: true),
            Value("--helo", "the client's HELO name", "NAME", required: true),
            Value("--from", "MAIL FROM address (<> for a bounce)", "ADDR", required: true),
            Values("--to", "RCPT TO address; repeat for several", "ADDR", required: true),
            Value("--auth", "act as if LOGIN had authenticated", "LOGIN"),
            Flag("--no-dnsbl", "skip the DNSBL queries (otherwise made for real, at the configured servers only)"),
            Value("--message", "also the end-of-DATA checks of this message: SPF, DKIM, DMARC and sender-auth.restrictions", "FILE"),
        ], o => PolicyTestCommand.RunAsync(o, console, CancellationToken.None)));

    private static Command Dkim(CliConsole console) => Group("dkim", "DKIM signing keys",
        Leaf("keygen", "write a new signing key (PEM, mode 0600) and print the TXT record to publish and the mailcluster.dkim.keys entry",
        [
            Value("--domain", "the signing domain", "D", required: true),
            Value("--selector", "the selector", "S", required: true),
            Value("--algorithm", "rsa (2048 bits, the default) or ed25519", "rsa|ed25519"),
            Value("--out", "the key file (default DOMAIN.SELECTOR.pem)", "FILE"),
            Flag("--force", "replace an existing key file"),
        ], o => Task.FromResult(DkimCommand.Keygen(o, console))),
        Leaf("check", "look up SELECTOR._domainkey.DOMAIN and say whether it is the public half of the key; exit 0 if it is, 1 if not, 69 if DNS failed",
        [
            Value("--domain", "the signing domain", "D", required: true),
            Value("--selector", "the selector", "S", required: true),
            Value("--key", "the private key file", "FILE", required: true),
            Value("--algorithm", "rsa (the default) or ed25519", "rsa|ed25519"),
            Values("--dns", "DNS server to ask (default: the system resolver); repeat for several", "ADDR[:PORT]"),
        ], o => DkimCommand.CheckAsync(o, console, CancellationToken.None)));

    private static Command Queue(CliConsole console)
    {
        Option[] Filter() =>
        [
            Values("--id", "a queue id (as well as, or instead of, the arguments)", "ID"),
            Value("--domain", "recipients in this domain", "D"),
            Value("--sender", "mail from this sender", "ADDR"),
            Value("--older-than", "mail older than this (90s, 15m, 2h, 3d)", "AGE"),
        ];
        Command Change(string action, string what) =>
            Leaf(action, $"{what}, by queue id or by filter", [Many("ids", "ID"), .. Filter()], o => QueueCommand.ChangeAsync(action, o, console));
        return Group("queue", "the delivery queues (mailq, postqueue, postsuper)",
            Leaf("list", "per next hop: active, deferred, held and delivering counts, the oldest entry and the last error", [], o => QueueCommand.ListAsync(o, console)),
            Leaf("show", "one queue's entries", [One("hop", "HOP")], o => QueueCommand.ShowAsync(o, console)),
            Leaf("flush", "retry now: every queue, the given ones, or one message (--id)", [Many("hops", "HOP"), Value("--id", "one message", "ID")],
                o => QueueCommand.FlushAsync(o, console)),
            Change("hold", "hold mail (no delivery until released)"),
            Change("release", "release held mail"),
            Change("delete", "remove mail without delivery and without a bounce"));
    }

    private static Command Group(string name, string description, params Command[] commands)
    {
        var group = new Command(name, description);
        foreach (var command in commands) group.Add(command);
        return group;
    }

    private static Command Leaf(string name, string description, IEnumerable<Symbol> symbols, Func<ParsedOptions, Task<int>> run)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            if (symbol is Option option) command.Add(option);
            else command.Add((Argument)symbol);
        }
        command.SetAction((result, _) => run(new ParsedOptions(result)));
        return command;
    }

    private static Option Global(Option option)
    {
        option.Recursive = true;
        return option;
    }

    private static Option<string> Value(string name, string description, string helpName, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };

    private static Option<string[]> Values(string name, string description, string helpName, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required, Arity = ArgumentArity.OneOrMore };

    private static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    private static Argument<string> One(string name, string helpName) => NoOptions(new Argument<string>(name) { HelpName = helpName });

    private static Argument<string[]> Many(string name, string helpName) =>
        NoOptions(new Argument<string[]>(name) { HelpName = helpName, Arity = ArgumentArity.ZeroOrMore });

    /// <summary>An unknown --option would otherwise be taken for a file name, queue id or hop.</summary>
    private static T NoOptions<T>(T argument) where T : Argument
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith("--", StringComparison.Ordinal)))
                result.AddError($"unknown option '{token.Value}'");
        });
        return argument;
    }
}
