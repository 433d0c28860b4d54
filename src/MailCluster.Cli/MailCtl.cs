using MailCluster.Cli.Admin;

namespace MailCluster.Cli;

/// <summary>The mailctl entry point, callable in-process (tests) with any <see cref="CliConsole"/>.</summary>
public static class MailCtl
{
    public const string Usage = """
        usage: mailctl policy test --config FILE [--listener NAME] --ip IP --helo NAME --from ADDR --to ADDR [--to ADDR...]
                                   [--auth LOGIN] [--no-dnsbl] [--json] [--message FILE]
               mailctl config validate FILE
               mailctl passwd
               mailctl dkim keygen --domain D --selector S [--algorithm rsa|ed25519] [--out FILE] [--force]
               mailctl dkim check --domain D --selector S --key FILE [--algorithm rsa|ed25519] [--dns ADDR[:PORT]...]
               mailctl queue list | show HOP | flush [HOP... | --id ID]
               mailctl queue hold|release|delete ID... | --domain D --sender ADDR --older-than AGE
               mailctl qshape [--hop HOP] [--top N]
               mailctl cluster status
               mailctl message show ID
          admin commands talk to a node's admin API: --url URL (default $MAILCTL_URL or http://127.0.0.1:8025),
                           --token TOKEN (default $MAILCTL_TOKEN); tables for people, --json for scripts
          policy test      what would the node answer to this MAIL FROM and these RCPT TOs? One line per command with
                           the verdict and the rule that decided it. Exit 0 if all are permitted, 1 if any is rejected
                           or deferred. --listener defaults to mx. --auth LOGIN acts as if LOGIN had authenticated.
                           DNSBL zones are queried for real, at the configured servers only; --no-dnsbl skips them.
                           --message FILE: also the end-of-DATA checks of that message from that client (SPF for MAIL
                           FROM and HELO, DKIM per signature, DMARC) and what sender-auth.restrictions would answer
          config validate  check a config file as the node would at startup; print every problem
          queue            list: per next hop, active/deferred/held counts and the oldest entry; show: one queue's
                           entries; flush: retry now (all queues, the given ones, or one message); hold, release,
                           delete: by queue id, or by filter (recipient domain, sender, age like 90s, 15m, 2h, 3d).
                           delete removes mail without delivery and without a bounce.
          qshape           queued recipients per domain by age in minutes (like Postfix qshape)
          cluster status   members, their status and roles, and the queue shards each node hosts
          message show     envelope, per-recipient state in every queue, and the header fields
          dkim keygen      write a new DKIM signing key (RSA 2048 or Ed25519, PEM, mode 0600; default file
                           DOMAIN.SELECTOR.pem) and print the TXT record to publish and the mailcluster.dkim.keys entry
          dkim check       look up SELECTOR._domainkey.DOMAIN (at --dns, else the system resolver) and say whether the
                           published record is the public half of the key file. Exit 0 if it is, 1 if not, 69 if DNS failed
          passwd           read a password from stdin (twice, without echo, from a terminal) and print its
                           PBKDF2 hash for mailcluster.auth.users or the users file
        exit status: 0 ok, 1 refused (policy test) / not found, nothing matched or not authorized (admin commands),
                     2 usage error, 69 node unreachable, 78 configuration error
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
                ["dkim", .. var rest] => await DkimCommand.RunAsync(rest, console, ct),
                ["queue", .. var rest] => await QueueCommand.RunAsync(rest, console),
                ["qshape", .. var rest] => await QshapeCommand.RunAsync(rest, console),
                ["cluster", "status", .. var rest] => await ClusterStatusCommand.RunAsync(rest, console),
                ["message", "show", .. var rest] => await MessageShowCommand.RunAsync(rest, console),
                _ => throw new UsageException($"unknown command '{string.Join(' ', args.Take(2))}'"),
            };
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
