namespace MailCluster.Cli;

/// <summary>
/// The streams a command uses. Tests pass string readers and writers; <see cref="System"/> is the real console.
/// </summary>
/// <param name="InputIsTerminal">When true, passwords are read twice without echo through <see cref="ReadHidden"/>.</param>
/// <param name="ReadHidden">Prompts (on <see cref="Error"/>) and reads one line without echoing it.</param>
public sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error, bool InputIsTerminal, Func<string, string?> ReadHidden)
{
    public static CliConsole System { get; } = new(Console.In, Console.Out, Console.Error, !Console.IsInputRedirected, ReadHiddenFromConsole);

    /// <summary>For tests: piped input, captured output.</summary>
    public static CliConsole Captured(string input, StringWriter output, StringWriter error) =>
        new(new StringReader(input), output, error, false, _ => throw new InvalidOperationException("not a terminal"));

    private static string? ReadHiddenFromConsole(string prompt)
    {
        Console.Error.Write(prompt);
        var chars = new List<char>();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (chars.Count > 0) chars.RemoveAt(chars.Count - 1); }
            else if (key.KeyChar != '\0') chars.Add(key.KeyChar);
        }
        Console.Error.WriteLine();
        return new string(chars.ToArray());
    }
}
