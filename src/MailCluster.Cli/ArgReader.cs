namespace MailCluster.Cli;

/// <summary>
/// A deliberately small option parser: "--name value", "--name=value", repeatable options and flags. Every
/// option must be declared by the command, so a typo is a usage error instead of being ignored.
/// </summary>
public sealed class ArgReader
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Positional { get; }

    public ArgReader(IEnumerable<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flagOptions)
    {
        var positional = new List<string>();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (arg == "--")
            {
                positional.AddRange(list.Skip(i + 1));
                break;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                positional.Add(arg);
                continue;
            }
            var (name, inline) = arg.IndexOf('=') is var eq and > 0 ? (arg[2..eq], arg[(eq + 1)..]) : (arg[2..], null);
            if (flagOptions.Contains(name))
            {
                if (inline is not null) throw new UsageException($"option --{name} takes no value");
                _flags.Add(name);
            }
            else if (valueOptions.Contains(name))
            {
                var value = inline ?? (i + 1 < list.Count ? list[++i] : throw new UsageException($"option --{name} needs a value"));
                if (!_values.TryGetValue(name, out var values)) _values[name] = values = [];
                values.Add(value);
            }
            else throw new UsageException($"unknown option '--{name}'");
        }
        Positional = positional;
    }

    public bool Flag(string name) => _flags.Contains(name);

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var v) ? v : [];

    public string? Optional(string name)
    {
        var all = All(name);
        if (all.Count > 1) throw new UsageException($"option --{name} given more than once");
        return all.Count == 1 ? all[0] : null;
    }

    public string Required(string name) => Optional(name) ?? throw new UsageException($"option --{name} is required");
}
