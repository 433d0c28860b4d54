using System.CommandLine;

namespace MailCluster.Cli;

/// <summary>
/// "completion bash|zsh": a script for the shell's completion that asks mailctl itself (System.CommandLine's
/// [suggest] directive), so completions always match the installed version's commands and options.
/// </summary>
public static class CompletionCommand
{
    private const string Bash = """
        # mailctl completion for bash: add  source <(mailctl completion bash)  to ~/.bashrc
        _mailctl_complete() {
          local IFS=$'\n'
          COMPREPLY=( $(command mailctl "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null) )
        }
        complete -o default -F _mailctl_complete mailctl
        """;

    private const string Zsh = """
        # mailctl completion for zsh: add  source <(mailctl completion zsh)  to ~/.zshrc
        _mailctl_complete() {
          local -a completions
          completions=("${(@f)$(command mailctl "[suggest:${#BUFFER}]" "$BUFFER" 2>/dev/null)}")
          compadd -- $completions
        }
        compdef _mailctl_complete mailctl
        """;

    public static Command Build(CliConsole console)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "print the shell completion script (source <(mailctl completion bash))") { shell };
        command.SetAction(result =>
        {
            console.Out.WriteLine(result.GetValue(shell) == "zsh" ? Zsh : Bash);
            return ExitCodes.Ok;
        });
        return command;
    }
}
