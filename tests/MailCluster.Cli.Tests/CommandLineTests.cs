namespace MailCluster.Cli.Tests;

/// <summary>mailctl's command line: help on every command, global options anywhere, shell completion.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("queue", "hold", "--help")]
    [InlineData("policy", "test", "--help")]
    [InlineData("dkim", "keygen", "-h")]
    [InlineData("config", "validate", "--help")]
    [InlineData("completion", "--help")]
    public async Task Every_command_has_help_with_exit_0(params string[] args)
    {
        var help = await Cli.RunAsync(args);
        Assert.True(help.Exit == 0, help.ToString());
        // In-process the usage line starts with the test host's name, not "mailctl": match the command's own words.
        Assert.Contains($" {string.Join(' ', args.SkipLast(1))}", help.Out);
        Assert.Contains("Options:", help.Out);
    }

    [Theory]
    [InlineData("--url", "http://127.0.0.1:1", "queue", "list")]
    [InlineData("queue", "list", "--url", "http://127.0.0.1:1")]
    [InlineData("--json", "--url=http://127.0.0.1:1", "cluster", "status")]
    public async Task Global_options_work_before_or_after_the_subcommand(params string[] args)
    {
        // Port 1 refuses: the option was accepted and used (69, unreachable), not refused as a usage error (2).
        var result = await Cli.RunAsync(args);
        Assert.True(result.Exit == 69, result.ToString());
        Assert.Contains("http://127.0.0.1:1", result.Error);
    }

    [Theory]
    [InlineData("queue", "lst")]
    [InlineData("queue", "list", "--jsn")]
    [InlineData("qshape", "--url")]
    public async Task Typos_and_missing_values_are_usage_errors(params string[] args)
    {
        var result = await Cli.RunAsync(args);
        Assert.Equal(2, result.Exit);
        Assert.Contains("usage: mailctl", result.Error);
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _mailctl_complete mailctl")]
    [InlineData("zsh", "compdef _mailctl_complete mailctl")]
    public async Task The_completion_script_is_printed_for_the_shell(string shell, string line)
    {
        var script = await Cli.RunAsync("completion", shell);
        Assert.Equal(0, script.Exit);
        Assert.Contains(line, script.Out);
        Assert.Contains("[suggest:", script.Out);
    }

    [Theory]
    [InlineData("mailctl qu", "queue")]
    [InlineData("mailctl queue re", "release")]
    [InlineData("mailctl dkim keygen --alg", "--algorithm")]
    public async Task The_suggest_directive_the_scripts_call_completes_commands_and_options(string line, string expected)
    {
        // What bash runs on <TAB>: mailctl "[suggest:CURSOR]" "LINE".
        var suggestions = await Cli.RunAsync($"[suggest:{line.Length}]", line);
        Assert.Equal(0, suggestions.Exit);
        Assert.Contains(expected, suggestions.Lines);
        Assert.DoesNotContain("passwd", suggestions.Lines);
    }
}
