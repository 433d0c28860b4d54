using MailCluster.Cluster.Hosting;

namespace MailCluster.Cluster.Tests;

/// <summary>Keys nothing reads are errors, with the known key they were probably meant to be.</summary>
public sealed class UnknownKeysTests
{
    private static List<ConfigProblem> Problems(string hocon) =>
        UnknownKeys.Find(MailClusterConfig.Parse(hocon, "test.conf"), MailClusterConfig.Reference).ToList();

    [Theory]
    [InlineData("mailclustr { hostname = \"mx.example\" }", "mailclustr", "did you mean mailcluster?")]
    [InlineData("mailcluster.hostname = \"a\"\nakk.loglevel = DEBUG", "akk", "did you mean akka?")]
    [InlineData("smtp.listeners.mx.endpoint = \"0.0.0.0:25\"", "smtp", "only mailcluster { } and akka { } are read")]
    [InlineData("akka.loglevl = DEBUG", "akka.loglevl", "did you mean akka.loglevel?")]
    [InlineData("akka.clustr.roles = [a]", "akka.clustr.roles", "did you mean akka.cluster.roles?")]
    [InlineData("akka.nonsense = 1", "akka.nonsense", "no reference config of Akka defines akka.nonsense")]
    [InlineData("akka.cluster.sharding.remember-entitys = on", "akka.cluster.sharding.remember-entitys",
        "did you mean akka.cluster.sharding.remember-entities?")]
    [InlineData("akka.remote.dot-netty.tcp.hostnme = x", "akka.remote.dot-netty.tcp.hostnme", "did you mean akka.remote.dot-netty.tcp.hostname?")]
    [InlineData("mailcluster.smtp.limts.max-recipients = 5", "mailcluster.smtp.limts.max-recipients",
        "did you mean mailcluster.smtp.limits.max-recipients?")]
    [InlineData("mailcluster.smtp.listeners.submission.limits.max-recipents = 5",
        "mailcluster.smtp.listeners.submission.limits.max-recipents", "did you mean mailcluster.smtp.listeners.submission.limits.max-recipients?")]
    [InlineData("mailcluster.queue.destinations { \"example.com\" { max-concurrenzy = 5 } }",
        "mailcluster.queue.destinations.\"example.com\".max-concurrenzy", "a destination may override")]
    [InlineData("mailcluster.storage.sqlite.pth = x", "mailcluster.storage.sqlite.pth", "did you mean mailcluster.storage.sqlite.path?")]
    public void An_unknown_key_is_an_error_at_its_path(string hocon, string path, string reason)
    {
        var problem = Assert.Single(Problems(hocon));
        Assert.Equal(ProblemSeverity.Error, problem.Severity);
        Assert.Equal(path, problem.Path);
        Assert.Contains(reason, problem.Reason);
    }

    [Theory]
    [InlineData("akka.loglevel = DEBUG")]
    [InlineData("akka.stdout-loglevel = OFF")]
    [InlineData("akka.actor.provider = cluster")]
    [InlineData("akka.remote.dot-netty.tcp { hostname = \"0.0.0.0\", public-hostname = \"10.0.0.1\" }")]
    [InlineData("akka.cluster.split-brain-resolver.active-strategy = keep-oldest")]
    [InlineData("akka.cluster.sharding.remember-entities-store = eventsourced")]
    [InlineData("akka.persistence.journal.sql.connection-string = \"x\"")]
    [InlineData("akka.management.http.port = 8558")]
    [InlineData("akka.discovery.method = kubernetes-api")]
    [InlineData("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr = 3")]
    [InlineData("akka.cluster.distributed-data.gossip-interval = 2s")]
    [InlineData("akka.actor.serializers.mine = \"My.Serializer, My\"")]                  // free map: any name
    [InlineData("akka.persistence.journal.redis { class = \"x\", plugin-dispatcher = \"y\" }")] // a plugin's own keys
    [InlineData("PATH = \"/usr/bin\"\nHOME = \"/root\"")]                               // environment, not a typo
    [InlineData("mailcluster.smtp.listeners.submission { endpoint = \"127.0.0.1:0\", limits.max-recipients = 5, policy.require-auth = on }")]
    [InlineData("mailcluster.queue.destinations { \"example.com\" { max-concurrency = 5, retry.maximum-lifetime = 1d } }")]
    [InlineData("mailcluster.auth.users { \"a@example.com\" { password-hash = \"x\", addresses = [] } }")]
    public void Known_keys_plugin_keys_and_environment_names_pass(string hocon) => Assert.Empty(Problems(hocon));

    [Fact]
    public void Every_key_of_the_reference_config_is_known() =>
        Assert.Empty(UnknownKeys.Find(MailClusterConfig.Reference, MailClusterConfig.Reference));

    [Fact]
    public void Akka_keys_come_from_the_reference_configs_of_every_loaded_module()
    {
        var akka = AkkaReferenceKeys.Tree.Find(["akka"]);
        Assert.NotNull(akka);
        foreach (var module in new[] { "actor", "remote", "cluster", "persistence", "management", "discovery", "stream", "loglevel" })
            Assert.True(akka.Children.ContainsKey(module), $"akka.{module} missing; found {string.Join(", ", akka.Children.Keys)}");
        Assert.NotNull(AkkaReferenceKeys.Tree.Find(["akka", "cluster", "sharding", "remember-entities"]));
    }
}
