using System.Net;
using System.Net.Sockets;

namespace MailCluster.Node.Tests;

/// <summary>A bad configuration stops the node before it listens, with exit 78 (EX_CONFIG) and every problem named.</summary>
public sealed class ConfigErrorTests
{
    private const int ExConfig = 78;
    private const string NotStarted = "MailCluster node not started: the configuration has errors";

    private static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string extraConfig, params string[] args)
    {
        using var dir = new TempDir();
        return await NodeProcess.RunToExitAsync(dir.Config(extraConfig), dir.Path, args);
    }

    private static void AssertRefused((int ExitCode, string StdOut, string StdErr) run, params string[] paths)
    {
        Assert.True(run.ExitCode == ExConfig, $"exit {run.ExitCode}\n--- stdout\n{run.StdOut}\n--- stderr\n{run.StdErr}");
        Assert.Contains(NotStarted, run.StdErr);
        foreach (var path in paths) Assert.Contains($"  error: {path}: ", run.StdErr);
        Assert.DoesNotContain("ready", run.StdOut);
    }

    [Fact]
    public async Task Value_of_the_wrong_type_is_refused_and_named()
    {
        var run = await RunAsync("mailcluster.smtp.limits.max-recipients = lots");
        AssertRefused(run, "mailcluster.smtp.limits.max-recipients");
        Assert.Contains("lots", run.StdErr);
    }

    [Fact]
    public async Task Unknown_key_is_refused_as_a_likely_typo()
    {
        var run = await RunAsync("mailcluster.smtp.limitz.x = 1");
        AssertRefused(run, "mailcluster.smtp.limitz.x");
        Assert.Contains("mailcluster.smtp.limitz.x: unknown key", run.StdErr);
    }

    /// <summary>Both were silently ignored: the node started with the defaults.</summary>
    [Theory]
    [InlineData("mailclustr { hostname = \"mx.example\" }", "mailclustr", "did you mean mailcluster?")]
    [InlineData("akka.loglevl = DEBUG", "akka.loglevl", "did you mean akka.loglevel?")]
    public async Task A_misspelled_root_or_akka_key_is_refused_with_a_suggestion(string hocon, string path, string suggestion)
    {
        var run = await RunAsync(hocon);
        AssertRefused(run, path);
        Assert.Contains(suggestion, run.StdErr);
    }

    [Fact]
    public async Task Every_error_in_the_file_is_reported_at_once()
    {
        var run = await RunAsync("""
            mailcluster.smtp.limits.max-recipients = lots
            mailcluster.smtp.limitz.x = 1
            mailcluster.smtp.timeouts.command = soon
            mailcluster.local-domains = ["bad domain!"]
            mailcluster.smtp.listeners.mx.limits.max-connections = 0
            """);
        AssertRefused(run,
            "mailcluster.smtp.limits.max-recipients",
            "mailcluster.smtp.limitz.x",
            "mailcluster.smtp.timeouts.command",
            "mailcluster.local-domains",
            "mailcluster.smtp.listeners.mx.limits.max-connections");
    }

    /// <summary>
    /// Whatever is wrong with the file, the answer is exit 78 and a report, never a pass, a crash or a hang.
    /// Run with validate-config (same parse path as a start) so a wrongly accepted file does not start a node.
    /// </summary>
    [Theory]
    [InlineData("mailcluster.hostname = ${undefined}")]      // unresolved substitution
    [InlineData("mailcluster { smtp { limits {")]            // unclosed objects: accepted as valid (exit 0)
    [InlineData("mailcluster { hostname = }")]               // missing value: NullReferenceException, exit 134
    [InlineData("mailcluster.local-domains = [ }")]          // unclosed list: parser spins at 100% CPU forever
    public async Task Hocon_syntax_error_is_refused_with_a_message(string hocon)
    {
        using var dir = new TempDir();
        var run = await NodeProcess.RunToExitAsync(dir.Config(hocon), dir.Path, TimeSpan.FromSeconds(10), "validate-config");
        Assert.True(run.ExitCode == ExConfig, $"exit {run.ExitCode}\n--- stdout\n{run.StdOut}\n--- stderr\n{run.StdErr}");
        Assert.Contains(NotStarted, run.StdErr);
        Assert.Contains("  error: ", run.StdErr);
    }

    [Fact]
    public async Task Null_value_means_the_default_not_a_crash()
    {
        // HOCON null unsets a key; the node falls back to the reference default instead of crashing.
        using var dir = new TempDir();
        var run = await NodeProcess.RunToExitAsync(dir.Config("mailcluster.hostname = null"), dir.Path, "validate-config");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n--- stdout\n{run.StdOut}\n--- stderr\n{run.StdErr}");
        Assert.Contains("configuration is valid", run.StdOut);
    }

    [Fact]
    public async Task Validate_config_accepts_a_good_file_without_starting()
    {
        using var dir = new TempDir();
        var run = await NodeProcess.RunToExitAsync(dir.Config(), dir.Path, "validate-config");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n--- stdout\n{run.StdOut}\n--- stderr\n{run.StdErr}");
        Assert.Contains("configuration is valid", run.StdOut);
        Assert.DoesNotContain("listener", run.StdOut);
        Assert.DoesNotContain("ready", run.StdOut);
        Assert.False(Directory.Exists(dir.DataDir), "validate-config created the data dir");
    }

    [Fact]
    public async Task Validate_config_reports_errors_with_exit_78()
    {
        var run = await RunAsync("mailcluster.smtp.limits.max-recipients = lots", "validate-config");
        AssertRefused(run, "mailcluster.smtp.limits.max-recipients");
    }

    /// <summary>Was an unhandled ArgumentOutOfRangeException from RetryPolicy's constructor: a stack trace and exit 134.</summary>
    [Theory]
    [InlineData("validate-config")]
    [InlineData]
    public async Task Minimum_backoff_above_the_maximum_is_refused_and_named(params string[] args)
    {
        var run = await RunAsync("mailcluster.queue.retry { minimum-backoff = 2h, maximum-backoff = 1h }", args);
        AssertRefused(run, "mailcluster.queue.retry.maximum-backoff");
        Assert.DoesNotContain("Exception", run.StdErr);
    }

    [Fact]
    public async Task Mynetworks_covering_everybody_is_refused_as_an_open_relay()
    {
        var run = await RunAsync("mailcluster.policy.mynetworks = [\"0.0.0.0/0\", \"::/0\"]", "validate-config");
        AssertRefused(run, "mailcluster.policy.mynetworks");
        Assert.Contains("open relay", run.StdErr);
    }

    [Fact]
    public async Task Very_wide_mynetworks_are_valid_with_a_warning_naming_the_path()
    {
        using var dir = new TempDir();
        var run = await NodeProcess.RunToExitAsync(dir.Config("mailcluster.policy.mynetworks = [\"127.0.0.0/8\", \"0.0.0.0/2\"]"),
            dir.Path, "validate-config");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n--- stdout\n{run.StdOut}\n--- stderr\n{run.StdErr}");
        Assert.Contains("warning: mailcluster.policy.mynetworks: '0.0.0.0/2'", run.StdErr);
    }

    [Fact]
    public async Task Endpoint_already_in_use_is_refused_and_named()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var run = await RunAsync($"mailcluster.smtp.listeners.mx.endpoint = \"127.0.0.1:{port}\"");
        AssertRefused(run, "mailcluster.smtp.listeners.mx.endpoint");
        Assert.Contains($"127.0.0.1:{port}", run.StdErr);
    }

    [Fact]
    public async Task Missing_config_file_is_refused_and_named()
    {
        using var dir = new TempDir();
        var missing = Path.Combine(dir.Path, "no-such-file.conf");
        using var node = NodeProcess.Launch(dir.Config(), dir.Path, "--config", missing); // one missing file among several
        var code = await node.WaitForExitAsync(NodeProcess.StartTimeout);
        Assert.NotEqual(0, code);
        Assert.Contains(missing, node.StdErr);
        Assert.DoesNotContain("ready", node.StdOut);
    }
}
