using MailCluster.Cluster.Hosting;

namespace MailCluster.Cluster.Tests;

/// <summary>mailcluster.admin: on at 127.0.0.1:8025 by default; off loopback it cannot run without a token.</summary>
public sealed class AdminSettingsTests
{
    private static (NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Load(string hocon) => SettingsUnderTest.Load(hocon);

    [Fact]
    public void The_default_is_enabled_on_loopback_without_a_token()
    {
        var admin = Load("").Settings!.Admin!;
        Assert.True(admin.Enabled);
        Assert.Equal("127.0.0.1:8025", admin.Endpoint.ToString());
        Assert.False(admin.RequiresToken);
    }

    [Fact]
    public void A_non_loopback_endpoint_without_a_token_is_an_error_naming_the_token()
    {
        var (settings, problems) = Load("""mailcluster.admin.endpoint = "0.0.0.0:8025" """);
        Assert.Null(settings);
        Assert.Contains(problems, p => p.Path == "mailcluster.admin.token" && p.Severity == ProblemSeverity.Error);

        var withToken = Load("""mailcluster.admin { endpoint = "0.0.0.0:8025", token = "x" }""").Settings!.Admin!;
        Assert.True(withToken.RequiresToken);
        Assert.False(Load("""mailcluster.admin { enabled = off, endpoint = "0.0.0.0:8025" }""").Settings!.Admin!.Enabled);
    }

    [Fact]
    public void A_bad_endpoint_is_reported_with_its_path()
    {
        var (_, problems) = Load("""mailcluster.admin.endpoint = "localhost" """);
        Assert.Contains(problems, p => p.Path == "mailcluster.admin.endpoint");
    }

    [Fact]
    public void Allowed_hosts_default_to_none_and_take_names_and_literals()
    {
        Assert.Empty(Load("").Settings!.Admin!.AllowedHosts);
        var admin = Load("""mailcluster.admin.allowed-hosts = ["mx1.example", "10.0.0.5"]""").Settings!.Admin!;
        Assert.Equal(["mx1.example", "10.0.0.5"], admin.AllowedHosts);
    }

    [Theory]
    [InlineData("""["mx1.example:8025"]""")]
    [InlineData("""["http://mx1.example"]""")]
    [InlineData("""["*"]""")]
    [InlineData("""[""]""")]
    [InlineData("\"mx1.example\"")]
    public void A_bad_allowed_hosts_entry_is_an_error_naming_the_key(string value)
    {
        var (settings, problems) = Load($"mailcluster.admin.allowed-hosts = {value}");
        Assert.Null(settings);
        var problem = Assert.Single(problems, p => p.Path == "mailcluster.admin.allowed-hosts" && p.Severity == ProblemSeverity.Error);
        Assert.DoesNotContain("unknown key", problem.Reason); // the key is read, and this value is what is wrong with it
    }
}
