using System.CommandLine;

namespace MailCluster.Cli;

/// <summary>
/// What System.CommandLine parsed for one command, read by option name ("ip" for --ip): the commands check meaning
/// (an address, a duration, ids or a filter), the parser has already refused unknown options and stray words.
/// </summary>
public sealed class ParsedOptions(ParseResult result)
{
    /// <summary>The command's own options and the global ones of the commands above it.</summary>
    private readonly Dictionary<string, Option> _options = Ancestry(result)
        .SelectMany((command, depth) => command.Options.Where(o => depth == 0 || o.Recursive))
        .GroupBy(o => o.Name.TrimStart('-'))
        .ToDictionary(g => g.Key, g => g.First());

    /// <summary>The command's arguments (ids, hops, files), in order.</summary>
    public IReadOnlyList<string> Positional { get; } = result.CommandResult.Command.Arguments
        .SelectMany(a => a switch
        {
            Argument<string[]> many => result.GetValue(many) ?? [],
            Argument<string> one => result.GetValue(one) is { } v ? [v] : [],
            _ => [],
        }).ToList();

    public bool Flag(string name) => Find(name) is Option<bool> flag && result.GetValue(flag);

    public IReadOnlyList<string> All(string name) => Find(name) switch
    {
        Option<string[]> many => result.GetValue(many) ?? [],
        Option<string> one => result.GetValue(one) is { } v ? [v] : [],
        _ => [],
    };

    public string? Optional(string name) => All(name) is [var only] ? only : null;

    public string Required(string name) => Optional(name) ?? throw new UsageException($"option --{name} is required");

    private Option? Find(string name) =>
        _options.TryGetValue(name, out var option) ? option : throw new InvalidOperationException($"--{name} is not declared for this command");

    private static IEnumerable<Command> Ancestry(ParseResult result)
    {
        for (var r = result.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult) yield return r.Command;
    }
}
