using System.Text;

namespace MailCluster.Protocol.Tests.Logging;

/// <summary>A node's log sink for tests: keeps every line, safe to read while the node writes.</summary>
public sealed class CapturedLog : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text) _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_text) _text.Append(value);
    }

    public string Text
    {
        get { lock (_text) return _text.ToString(); }
    }

    public IReadOnlyList<string> Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Waits until a line containing every one of <paramref name="parts"/> has been written, and returns it.</summary>
    public async Task<string> WaitForLineAsync(TimeSpan timeout, params string[] parts)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var line = Lines.FirstOrDefault(l => parts.All(p => l.Contains(p, StringComparison.Ordinal)));
            if (line is not null) return line;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"no log line with [{string.Join("] [", parts)}] within {timeout}; log:\n{Text}");
            await Task.Delay(50);
        }
    }
}
