namespace MailCluster.Cli.Tests;

/// <summary>Runs mailctl in-process with captured streams, and keeps temp config files for one test class.</summary>
public sealed class Cli : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mailctl-test-" + Guid.NewGuid().ToString("N"));

    public Cli() => Directory.CreateDirectory(_dir);

    public sealed record Outcome(int Exit, string Out, string Error)
    {
        public string[] Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}--- stderr\n{Error}";
    }

    public static async Task<Outcome> RunWithStdinAsync(string stdin, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await MailCtl.RunAsync(args, CliConsole.Captured(stdin, output, error));
        return new(exit, output.ToString(), error.ToString());
    }

    public static Task<Outcome> RunAsync(params string[] args) => RunWithStdinAsync("", args);

    public static async Task<Outcome> RunWithConsoleAsync(CliConsole console, params string[] args) =>
        new(await MailCtl.RunAsync(args, console), console.Out.ToString()!, console.Error.ToString()!);

    public string Write(string hocon, string name = "mailcluster.conf")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, hocon);
        return path;
    }

    public string Dir => _dir;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
