namespace MailCluster.Cli.Tests;

public sealed class ConfigValidateTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task A_valid_file_exits_0()
    {
        var file = _cli.Write("""
            mailcluster {
              local-domains = ["example.com"]
              relay-domains = ["backup.example"]
              smtp.listeners.submission { endpoint = "127.0.0.1:587", policy { require-auth = on } }
            }
            """);
        var result = await Cli.RunAsync("config", "validate", file);
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains($"configuration is valid: {file}", result.Out);
    }

    [Fact]
    public async Task The_shipped_single_node_config_is_valid()
    {
        var result = await Cli.RunAsync("config", "validate", Path.Combine(RepoRoot(), "cluster-config", "single-node.conf"));
        Assert.True(result.Exit == 0, result.ToString());
    }

    [Fact]
    public async Task Every_problem_is_printed_with_its_path_and_the_exit_is_78()
    {
        var file = _cli.Write("""
            mailcluster {
              local-domains = ["not a domain"]
              polcy.mynetworks = []
              policy.mynetworks = ["10.0.0.0/33"]
              policy.recipient-restrictions = [permit-mynetworks, permit]
              smtp.limits.max-recipients = 0
              auth.users { "a@example.com" { password-hash = "plaintext" } }
            }
            """);
        var result = await Cli.RunAsync("config", "validate", file);
        Assert.True(result.Exit == 78, result.ToString());
        Assert.Contains("error: mailcluster.local-domains:", result.Out);
        Assert.Contains("error: mailcluster.polcy.mynetworks: unknown key", result.Out);
        Assert.Contains("error: mailcluster.policy.mynetworks:", result.Out);
        Assert.Contains("error: mailcluster.policy.recipient-restrictions: this list would make an open relay", result.Out);
        Assert.Contains("error: mailcluster.smtp.limits.max-recipients:", result.Out);
        Assert.Contains("error: mailcluster.auth.users.\"a@example.com\".password-hash:", result.Out);
        Assert.DoesNotContain("plaintext", result.Out);
        Assert.Contains("6 error(s)", result.Out);
    }

    [Fact]
    public async Task A_hocon_syntax_error_names_the_file_and_line()
    {
        var file = _cli.Write("mailcluster {\n  local-domains = [\"a.example\"\n}\n");
        var result = await Cli.RunAsync("config", "validate", file);
        Assert.True(result.Exit == 78, result.ToString());
        Assert.Contains(file, result.Out);
    }

    [Fact]
    public async Task A_missing_file_is_a_config_error()
    {
        var result = await Cli.RunAsync("config", "validate", Path.Combine(_cli.Dir, "nope.conf"));
        Assert.Equal(78, result.Exit);
        Assert.Contains("does not exist", result.Out);
    }

    [Fact]
    public async Task Several_files_are_layered_in_order_with_their_includes()
    {
        var shared = _cli.Write("mailcluster { hostname = \"shared.example\", smtp.limits.max-recipients = lots }", "shared.conf");
        var node = _cli.Write("include \"shared.conf\"\nmailcluster.hostname = \"node.example\"", "node.conf");
        var broken = await Cli.RunAsync("config", "validate", node);
        Assert.Equal(78, broken.Exit);
        Assert.Contains("mailcluster.smtp.limits.max-recipients", broken.Out);
        var fix = _cli.Write("mailcluster.smtp.limits.max-recipients = 50", "fix.conf");
        var layered = await Cli.RunAsync("config", "validate", node, fix);
        Assert.True(layered.Exit == 0, layered.ToString());
        Assert.Contains("configuration is valid", layered.Out);
    }

    [Theory]
    [InlineData]
    [InlineData("--strict", "a.conf")]
    public async Task Wrong_arguments_are_a_usage_error(params string[] extra)
    {
        var result = await Cli.RunAsync(["config", "validate", .. extra]);
        Assert.Equal(2, result.Exit);
        Assert.Contains("usage: mailctl", result.Error);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MailCluster.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MailCluster.sln not found above the test binaries");
    }
}
