using MailCluster.Core.Auth;

namespace MailCluster.Cli;

/// <summary>
/// "passwd": the same as the node's hash-password. The password is read from stdin, never from the command line
/// (where ps and shell history would see it); on a terminal it is asked twice without echo.
/// </summary>
public static class PasswdCommand
{
    public static int Run(ParsedOptions options, CliConsole console)
    {

        string? password;
        if (console.InputIsTerminal)
        {
            password = console.ReadHidden("password: ");
            var again = console.ReadHidden("again: ");
            if (!string.Equals(password, again, StringComparison.Ordinal))
            {
                console.Error.WriteLine("mailctl: the passwords do not match");
                return ExitCodes.Usage;
            }
        }
        else
        {
            password = console.In.ReadLine();
        }
        if (string.IsNullOrEmpty(password))
        {
            console.Error.WriteLine("mailctl: empty password");
            return ExitCodes.Usage;
        }
        console.Out.WriteLine(PasswordHash.Create(password));
        return ExitCodes.Ok;
    }
}
