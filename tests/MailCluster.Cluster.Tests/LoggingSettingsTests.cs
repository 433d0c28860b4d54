using MailCluster.Cluster.Hosting;
using MailCluster.Cluster.Logging;
using Microsoft.Extensions.Logging;

namespace MailCluster.Cluster.Tests;

/// <summary>mailcluster.logging: text at info by default; json and other levels on request; bad values named by path.</summary>
public sealed class LoggingSettingsTests
{
    private static (NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Load(string hocon) => SettingsUnderTest.Load(hocon);

    [Fact]
    public void The_default_is_text_at_info()
    {
        var logging = Load("").Settings!.Logging!;
        Assert.Equal(LogFormat.Text, logging.Format);
        Assert.Equal(LogLevel.Information, logging.Level);
        Assert.Equal("INFO", logging.AkkaLevel);
    }

    [Fact]
    public void Json_and_a_level_are_read_and_the_level_also_drives_akka()
    {
        var logging = Load("mailcluster.logging { format = json, level = warning }").Settings!.Logging!;
        Assert.Equal(LogFormat.Json, logging.Format);
        Assert.Equal(LogLevel.Warning, logging.Level);
        var akka = AkkaBootstrap.Build(Load("mailcluster.logging { format = json, level = debug }").Settings!, Akka.Configuration.Config.Empty);
        Assert.Equal("DEBUG", akka.GetString("akka.loglevel"));
        Assert.Equal("OFF", akka.GetString("akka.stdout-loglevel"));
        Assert.Equal(AkkaLogForwarder.TypeName, Assert.Single(akka.GetStringList("akka.loggers")));
    }

    [Fact]
    public void Bad_values_are_errors_naming_their_path()
    {
        var (settings, problems) = Load("mailcluster.logging { format = xml, level = loud }");
        Assert.Null(settings);
        Assert.Contains(problems, p => p.Path == "mailcluster.logging.format" && p.Severity == ProblemSeverity.Error && p.Reason.Contains("xml"));
        Assert.Contains(problems, p => p.Path == "mailcluster.logging.level" && p.Severity == ProblemSeverity.Error);
    }
}
