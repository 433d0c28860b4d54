namespace MailCluster.Node;

/// <summary>The node's command line: small enough not to need a parser library.</summary>
public sealed record NodeCommandLine(string? ConfigFile, bool ValidateOnly, string? Error, bool HashPassword = false)
{
    public const string Usage = """
        usage: mailcluster-node [--config FILE] [validate-config]
               mailcluster-node hash-password
          --config FILE     HOCON file layered over the embedded reference.conf
          validate-config   check the configuration, print every problem, exit 0 if valid
          hash-password     read a password from stdin, print its PBKDF2 hash for mailcluster.auth.users
        signals: SIGTERM/SIGINT stop the node; SIGHUP reloads the policy from --config without dropping sessions
        """;

    public static NodeCommandLine Parse(string[] args)
    {
        string? file = null;
        var validate = false;
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
                case "hash-password":
                    return new(null, false, null, HashPassword: true);
                case "--help" or "-h":
                    return new(null, false, "help requested");
                default:
                    return new(null, false, $"unknown argument '{args[i]}'");
            }
        }
        return new(file, validate, null);
    }
}
