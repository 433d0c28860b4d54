using MailCluster.Core.Auth;

namespace MailCluster.Node;

/// <summary>
/// "hash-password": reads one password from stdin (no echo when it is a terminal) and prints the hash to put in
/// mailcluster.auth.users. The password never appears on the command line, where ps and shell history would see it.
/// </summary>
internal static class PasswordCommand
{
    public static int Run()
    {
        var password = Console.IsInputRedirected ? Console.In.ReadLine() : ReadHidden();
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("error: empty password");
            return 2;
        }
        Console.WriteLine(PasswordHash.Create(password));
        return 0;
    }

    private static string ReadHidden()
    {
        Console.Error.Write("password: ");
        var chars = new List<char>();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (chars.Count > 0) chars.RemoveAt(chars.Count - 1); }
            else chars.Add(key.KeyChar);
        }
        Console.Error.WriteLine();
        return new string(chars.ToArray());
    }
}
