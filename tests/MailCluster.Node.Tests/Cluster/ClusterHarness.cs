using System.Net;
using System.Net.Sockets;
using MailCluster.TestSupport;
using MailCluster.TestSupport.Postgres;

namespace MailCluster.Node.Tests.Cluster;

/// <summary>
/// A real cluster on loopback: node processes sharing a private PostgreSQL, a DNS stub that points every test domain's
/// MX at one sink SMTP server, and fast failover settings.
/// </summary>
public sealed class ClusterHarness : IAsyncDisposable
{
    public const int DomainCount = 30;

    public TempDir Dir { get; } = new();
    public PostgresServer Postgres { get; }
    public DnsStubServer Dns { get; } = DnsStubServer.Start();
    public SmtpSink Sink { get; }
    public string ConnectionString { get; }
    public IReadOnlyList<int> RemotingPorts { get; }
    public NodeProcess?[] Nodes { get; }

    /// <summary>HOCON appended to every node's config (users, policy, limits a test needs).</summary>
    public string ExtraConfig { get; }

    private ClusterHarness(PostgresServer postgres, string connectionString, int size, SmtpSinkOptions? sink, string extraConfig)
    {
        ExtraConfig = extraConfig;
        Sink = SmtpSink.Start(sink ?? new SmtpSinkOptions { RecordCommands = false });
        Postgres = postgres;
        ConnectionString = connectionString;
        RemotingPorts = Enumerable.Range(0, size).Select(_ => FreePorts.ForChildProcess()).ToList();
        Nodes = new NodeProcess?[size];
        Dns.AddA("mx.sink.test", IPAddress.Loopback);
        for (var d = 0; d < DomainCount; d++) Dns.AddMx(Domain(d), 10, "mx.sink.test");
    }

    /// <summary>A cluster with room for <paramref name="size"/> nodes, of which the first <paramref name="running"/> (all by default) start now.</summary>
    public static async Task<ClusterHarness> StartAsync(int size = 3, int? running = null, SmtpSinkOptions? sink = null, string extraConfig = "")
    {
        var postgres = await PostgresServer.StartAsync();
        var harness = new ClusterHarness(postgres, await postgres.CreateDatabaseAsync(), size, sink, extraConfig);
        await Task.WhenAll(Enumerable.Range(0, running ?? size).Select(harness.StartNodeAsync));
        return harness;
    }

    public static string Domain(int d) => $"d{d:00}.test";

    public string Config(int index) => $$"""
        akka.loglevel = WARNING
        mailcluster {
          hostname = "node{{index + 1}}.test"
          data-dir = "{{Path.Combine(Dir.Path, $"node{index + 1}")}}"
          smtp.listeners.mx.endpoint = "127.0.0.1:0"
          admin.endpoint = "127.0.0.1:0"
          smtp.tls.generate-development-certificate = off
          storage { provider = postgresql, postgresql.connection-string = "{{ConnectionString}}" }
          cluster {
            port = {{RemotingPorts[index]}}
            seed-nodes = [{{string.Join(", ", RemotingPorts.Take(3).Select(p => $"\"akka.tcp://mailcluster@127.0.0.1:{p}\""))}}]
          }
          policy.mynetworks = ["127.0.0.0/8"]
          delivery {
            smtp { tls = disabled, port = {{Sink.Port}} }
            dns { servers = ["{{Dns.Endpoint}}"], timeout = 1s, attempts = 1 }
          }
          queue.retry { minimum-backoff = 1s, maximum-backoff = 2s }
          queue.enqueue-timeout = 8s
        }
        {{ExtraConfig}}
        """;

    public async Task StartNodeAsync(int index) => Nodes[index] = await NodeProcess.StartAsync(Config(index), Dir.Path);


    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) node?.Dispose();
        await Sink.DisposeAsync();
        await Dns.DisposeAsync();
        await Postgres.DisposeAsync();
        Dir.Dispose();
    }
}
