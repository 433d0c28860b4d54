using System.Text;
using MailCluster.Cluster.Hosting;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Fuzz.Tests;

/// <summary>The shrunk inputs the properties found, kept as plain examples so they stay fixed whatever the seed.</summary>
public sealed class FoundByFuzzing
{
    [Theory]
    [InlineData("mailcluster.smtp.listeners.sub.auth = 1", "mailcluster.smtp.listeners.sub.auth")] // NotSupportedException from GetBoolean
    [InlineData("mailcluster.smtp.listeners = -0.5", "mailcluster.smtp.listeners")] // NullReferenceException in ReadListeners
    [InlineData("mailcluster.smtp.listeners.sub = 1", "mailcluster.smtp.listeners.sub")]
    [InlineData("mailcluster.smtp.listeners = { a = 1 }", "mailcluster.smtp.listeners.a")] // ArgumentOutOfRange in UnknownKeys
    [InlineData("mailcluster.cluster.seed-nodes = [[]]", "mailcluster.cluster.seed-nodes")] // null element: NullReferenceException
    [InlineData("mailcluster.queue.retry { minimum-backoff = 5m, maximum-backoff = 1s }", "mailcluster.queue.retry.maximum-backoff")] // RetryPolicy threw
    [InlineData("mailcluster.local-domains = [ :0 ]", "fuzz.conf:1")] // Akka's parser never returned
    [InlineData("mailcluster.policy.mynetworks = [\"127.0.0.0/8\",:\"::1/128\"]", "fuzz.conf:1")]
    [InlineData("mailcluster.hostname = sql\"\"\"\"\"", "fuzz.conf:1")] // the syntax check itself looped on an unterminated """ string
    [InlineData("mailcluster.storage.provider += ${?UNSET}\nmailcluster.smtp.listeners = \"\\u0000\"", "\"\u0000\"")] // Akka took the NUL value for a top-level key
    public void A_broken_config_is_a_path_keyed_error_not_an_exception(string hocon, string path)
    {
        var run = Task.Run(() =>
        {
            try
            {
                var user = MailClusterConfig.Parse(hocon, "fuzz.conf");
                return NodeSettingsLoader.TryLoad(MailClusterConfig.Layer(user), user).Problems;
            }
            catch (ConfigValidationException ex) { return ex.Problems; }
        });
        Assert.True(run.Wait(TimeSpan.FromSeconds(20)), "parse and load hung");
        Assert.Contains(run.Result, p => p.Severity == ProblemSeverity.Error && p.Path == path);
    }

    [Theory]
    [InlineData("MAIL FROM:<a@b.example> \u017f99999999999999999999")]
    [InlineData("RCPT TO:<a@b.example> X-AN-EXTREMELY-LONG-PARAMETER-NAME-THAT-GOES-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON-AND-ON=1")]
    public void An_unknown_parameter_is_echoed_short_and_printable(string line)
    {
        var invalid = Assert.IsType<InvalidCommand>(SmtpCommandParser.Parse(Encoding.UTF8.GetBytes(line)));
        Assert.Equal(555, invalid.Reply.Code);
        CommandParserProperties.AssertWellFormedReply(invalid.Reply);
    }
}
