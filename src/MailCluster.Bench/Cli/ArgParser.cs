namespace MailCluster.Bench.Cli;

/// <summary>
/// Minimal "--name value" / "--name=value" / "--flag" parser. Options may repeat; single-valued getters
/// take the last occurrence. Call <see cref="EnsureAllUsed"/> last so typos are reported, not ignored.
/// </summary>
public sealed class ArgParser
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <param name="flagNames">Option names (without "--") that take no value.</param>
    public ArgParser(IReadOnlyList<string> args, IReadOnlySet<string> flagNames)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
                throw new UsageException($"unexpected argument '{token}'");

            var name = token[2..];
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (flagNames.Contains(name))
            {
                if (value is not null) throw new UsageException($"--{name} takes no value");
                _flags.Add(name);
                continue;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count) throw new UsageException($"--{name} needs a value");
                value = args[++i];
            }

            if (!_values.TryGetValue(name, out var list)) _values[name] = list = [];
            list.Add(value);
        }
    }

    public bool GetFlag(string name)
    {
        _used.Add(name);
        return _flags.Contains(name);
    }

    public string GetString(string name, string defaultValue) => GetAll(name) is [.., var last] ? last : defaultValue;

    public IReadOnlyList<string> GetAll(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var list) ? list : [];
    }

    public int GetInt(string name, int defaultValue, int min, int max = int.MaxValue) =>
        GetOptionalInt(name, min, max) ?? defaultValue;

    public int? GetOptionalInt(string name, int min, int max = int.MaxValue)
    {
        if (GetAll(name) is not [.., var text]) return null;
        if (!int.TryParse(text, out var value) || value < min || value > max)
            throw new UsageException($"--{name} must be an integer in [{min}, {max}], got '{text}'");
        return value;
    }

    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Concat(_flags).Where(n => !_used.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new UsageException("unknown option(s): " + string.Join(", ", unknown.Select(n => "--" + n)));
    }
}
