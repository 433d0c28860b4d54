using System.Net.Sockets;
using System.Text;

namespace MailCluster.Node.Tests;

/// <summary>The node's command line as a postmaster types it: --help, several --config files, includes.</summary>
public sealed class NodeCommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("validate-config", "--help")]
    public async Task Help_prints_usage_on_stdout_and_exits_0(params string[] args)
    {
        using var dir = new TempDir();
        var run = await NodeProcess.RunToExitAsync(dir.Config(), dir.Path, args);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n--- stdout\n{run.StdOut}\n--- stderr\n{run.StdErr}");
        Assert.Contains("Usage:", run.StdOut);
        Assert.Contains("--config", run.StdOut);
        Assert.DoesNotContain("error", run.StdErr);
        Assert.DoesNotContain("ready", run.StdOut);
    }

    [Fact]
    public async Task An_unknown_argument_is_a_usage_error_with_exit_2()
    {
        using var dir = new TempDir();
        var run = await NodeProcess.RunToExitAsync(dir.Config(), dir.Path, "--confg", "x.conf");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--confg", run.StdErr);
        Assert.Contains("usage: mailcluster-node", run.StdErr);
    }

    [Fact]
    public async Task A_second_config_file_and_its_include_are_layered_over_the_first()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "conf.d"));
        File.WriteAllText(Path.Combine(dir.Path, "conf.d", "limits.conf"), "mailcluster.smtp.limits.max-message-size = 1234567\n");
        var site = Path.Combine(dir.Path, "site.conf");
        File.WriteAllText(site, "include required(\"conf.d/limits.conf\")\nmailcluster.hostname = \"layered.test\"\n");

        using var node = await NodeProcess.StartAsync(dir.Config(), dir.Path, ["--config", site]);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", node.Port);
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        var greeting = await reader.ReadLineAsync();
        Assert.StartsWith("220 layered.test ", greeting);
        await client.GetStream().WriteAsync("EHLO client.test\r\n"u8.ToArray());
        var ehlo = new List<string>();
        for (var line = await reader.ReadLineAsync(); line is not null; line = await reader.ReadLineAsync())
        {
            ehlo.Add(line);
            if (line.StartsWith("250 ", StringComparison.Ordinal)) break;
        }
        Assert.Contains(ehlo, l => l[4..] == "SIZE 1234567");
    }
}
