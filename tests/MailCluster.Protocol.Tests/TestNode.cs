using System.Net;
using MailCluster.Cluster.Hosting;
using MailCluster.Core.Spool;

namespace MailCluster.Protocol.Tests;

/// <summary>A real node in-process: real sockets on a free loopback port, real SQLite in a temp folder.</summary>
public sealed class TestNode : IAsyncDisposable
{
    public string DataDir { get; }
    public NodeHost Host { get; }
    public IPEndPoint Endpoint => Host.Endpoints["mx"];
    public IMessageSpool Spool => Host.Spool;
    public string DatabasePath => Host.Settings.Storage.SqlitePath;

    private TestNode(string dataDir, NodeHost host)
    {
        DataDir = dataDir;
        Host = host;
    }

    /// <param name="overrides">HOCON layered over the test defaults (which are over reference.conf).</param>
    /// <param name="log">Where the node's log lines go (stdout when null).</param>
    /// <summary>
    /// The rate and lockout counters are sharded entities; on a loaded machine the first shard of a fresh node can take
    /// longer than a session waits for it (a 451 or 454 tempfail, not the limit under test). Asking (not counting) once
    /// per subject a test uses, until answered, leaves the test to measure the limit itself.
    /// </summary>
    public async Task WarmUpRateCountersAsync(params string[] subjects)
    {
        var counters = Akka.Cluster.Sharding.ClusterSharding.Get(Host.System).ShardRegion(Cluster.Policy.RateLimit.RateCounterActor.TypeName);
        foreach (var subject in subjects)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    await Akka.Actor.Futures.Ask<Cluster.Policy.RateLimit.AuthLockoutState>(counters,
                        new Cluster.Policy.RateLimit.GetAuthLockout(subject), TimeSpan.FromSeconds(5));
                    break;
                }
                catch (Akka.Actor.AskTimeoutException) when (DateTime.UtcNow < deadline) { }
            }
        }
    }

    public static async Task<TestNode> StartAsync(string overrides = "", TextWriter? log = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mailcluster-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var hocon = $$"""
            akka.loglevel = WARNING
            mailcluster {
              hostname = "mx.test"
              data-dir = "{{dir.Replace("\\", "/")}}"
              local-domains = ["localhost", "local.test"]
              policy.mynetworks = []
              # Keep accepted mail in the spool where these tests inspect it; delivery tests override this.
              queue.defer-transports = ["local", "smtp", "lmtp"]
              smtp.listeners.mx.endpoint = "127.0.0.1:0"
              admin.endpoint = "127.0.0.1:0"
              smtp.limits.error-delay = 0s
              # Every client here is untrusted, and the checks would ask real DNS about every sender's SPF and DMARC;
              # the sender-auth tests turn them on with the loopback DNS stub as their resolver.
              sender-auth.enabled = off
            }
            {{overrides}}
            """;
        var user = MailClusterConfig.Parse(hocon, "test");
        var host = await NodeHost.StartAsync(MailClusterConfig.Layer(user), user, log);
        return new TestNode(dir, host);
    }

    public async Task<IReadOnlyList<SpooledMessage>> StoredMessagesAsync()
    {
        var list = new List<SpooledMessage>();
        foreach (var id in await Spool.ListQueueIdsAsync()) list.Add((await Spool.LoadAsync(id))!);
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}
