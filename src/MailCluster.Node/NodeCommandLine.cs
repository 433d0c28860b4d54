namespace MailCluster.Node;

/// <summary>The node's command line: small enough not to need a parser library.</summary>
public sealed record NodeCommandLine(string? ConfigFile, bool ValidateOnly, string? Error, bool HashPassword = false, bool Migrate = false)
{
    public const string Usage = """
        usage: mailcluster-node [--config FILE] [validate-config | migrate]
               mailcluster-node hash-password
          --config FILE     HOCON file layered over the embedded reference.conf
          validate-config   check the configuration, print every problem, exit 0 if valid
          migrate           create the storage tables (spool, journal, snapshots) and exit; for auto-migrate = off
          hash-password     read a password from stdin, print its PBKDF2 hash for mailcluster.auth.users
        signals: SIGTERM/SIGINT stop the node; SIGHUP reloads the policy from --config without dropping sessions
        """;

    public static NodeCommandLine Parse(string[] args)
    {
        string? file = null;
        var validate = false;
        var migrate = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" or "-c" when i + 1 < args.Length:
                    file = args[++i];
                    break;
                case "validate-config":
                    validate = true;
                    break;
                case "migrate":
                    migrate = true;
                    break;
                case "hash-password":
                    return new(null, false, null, HashPassword: true);
                case "--help" or "-h":
                    return new(null, false, "help requested");
                default:
                    return new(null, false, $"unknown argument '{args[i]}'");
            }
        }
        return validate && migrate
            ? new(null, false, "validate-config and migrate cannot be combined")
            : new(file, validate, null, Migrate: migrate);
    }
}
