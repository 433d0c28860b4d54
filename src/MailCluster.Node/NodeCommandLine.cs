namespace MailCluster.Node;

/// <summary>The node's command line: small enough not to need a parser library.</summary>
public sealed record NodeCommandLine(string? ConfigFile, bool ValidateOnly, string? Error)
{
    public const string Usage = """
        usage: mailcluster-node [--config FILE] [validate-config]
          --config FILE     HOCON file layered over the embedded reference.conf
          validate-config   check the configuration, print every problem, exit 0 if valid
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
                case "--help" or "-h":
                    return new(null, false, "help requested");
                default:
                    return new(null, false, $"unknown argument '{args[i]}'");
            }
        }
        return new(file, validate, null);
    }
}
