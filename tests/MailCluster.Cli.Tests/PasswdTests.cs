using MailCluster.Core.Auth;

namespace MailCluster.Cli.Tests;

public sealed class PasswdTests
{
    [Fact]
    public async Task Prints_a_verifiable_well_formed_hash_of_the_stdin_password()
    {
        var result = await Cli.RunWithStdinAsync("s3cret pass\n", "passwd");
        Assert.True(result.Exit == 0, result.ToString());
        var hash = Assert.Single(result.Lines);
        Assert.StartsWith("pbkdf2-sha256$", hash);
        Assert.True(PasswordHash.IsWellFormed(hash, out var reason), reason);
        Assert.True(PasswordHash.Verify("s3cret pass", hash));
        Assert.False(PasswordHash.Verify("s3cret pass\n", hash));
        Assert.DoesNotContain("s3cret", result.Out + result.Error);
    }

    [Fact]
    public async Task Two_runs_salt_differently()
    {
        var a = await Cli.RunWithStdinAsync("same\r\n", "passwd");
        var b = await Cli.RunWithStdinAsync("same\r\n", "passwd");
        Assert.NotEqual(a.Out, b.Out);
        Assert.True(PasswordHash.Verify("same", a.Lines[0]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    public async Task An_empty_password_is_refused(string stdin)
    {
        var result = await Cli.RunWithStdinAsync(stdin, "passwd");
        Assert.Equal(2, result.Exit);
        Assert.Equal("", result.Out);
        Assert.Contains("empty password", result.Error);
    }

    [Fact]
    public async Task The_password_is_never_taken_from_the_command_line()
    {
        var result = await Cli.RunWithStdinAsync("x\n", "passwd", "hunter2");
        Assert.Equal(2, result.Exit);
        Assert.DoesNotContain("hunter2", result.Out);
    }

    [Fact]
    public async Task On_a_terminal_it_asks_twice_and_refuses_a_mismatch()
    {
        var answers = new Queue<string>(["first", "second"]);
        var prompts = new List<string>();
        var console = new CliConsole(new StringReader(""), new StringWriter(), new StringWriter(), true,
            prompt => { prompts.Add(prompt); return answers.Dequeue(); });
        var result = await Cli.RunWithConsoleAsync(console, "passwd");
        Assert.Equal(2, result.Exit);
        Assert.Equal(2, prompts.Count);
        Assert.Contains("do not match", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task On_a_terminal_matching_entries_give_a_hash()
    {
        var console = new CliConsole(new StringReader(""), new StringWriter(), new StringWriter(), true, _ => "typed twice");
        var result = await Cli.RunWithConsoleAsync(console, "passwd");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.True(PasswordHash.Verify("typed twice", result.Lines.Single()));
    }
}
