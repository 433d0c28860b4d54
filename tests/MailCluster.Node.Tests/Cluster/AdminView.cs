using System.Net.Http.Json;
using System.Text.Json;

namespace MailCluster.Node.Tests.Cluster;

/// <summary>What a node's admin API says about the cluster: queue shards and entities per node, queued messages.</summary>
public static class AdminView
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>Queue shards per node address, as the node at <paramref name="admin"/> sees the cluster.</summary>
    public static async Task<Dictionary<string, (int Shards, int Entities)>> QueueShardsAsync(Uri admin)
    {
        var view = await GetAsync(new Uri(admin, "/api/cluster"));
        return view.GetProperty("queueShards").EnumerateArray().ToDictionary(
            r => r.GetProperty("address").GetString()!,
            r => (r.GetProperty("shards").GetInt32(), r.GetProperty("entities").GetInt32()));
    }

    /// <summary>Queue entries not yet done (active, deferred, held or being delivered) over every queue in the cluster.</summary>
    public static async Task<int> QueuedAsync(Uri admin)
    {
        var queues = await GetAsync(new Uri(admin, "/api/queues"));
        return queues.EnumerateArray().Sum(q => q.GetProperty("active").GetInt32() + q.GetProperty("deferred").GetInt32()
                                                 + q.GetProperty("held").GetInt32() + q.GetProperty("delivering").GetInt32());
    }

    /// <summary>GET, asking again while the node answers 503 (a queue that is moving between nodes), for up to 30 s.</summary>
    private static async Task<JsonElement> GetAsync(Uri url)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await Http.GetAsync(url);
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
                return await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
            await Task.Delay(1000);
        }
    }

    /// <summary>A message's mail-log lines from every node, as (node, event) in time order.</summary>
    public static async Task<List<(string Node, string Event)>> TraceAsync(Uri admin, string queueId)
    {
        var trace = await GetAsync(new Uri(admin, $"/api/messages/{Uri.EscapeDataString(queueId)}/trace"));
        return trace.GetProperty("events").EnumerateArray()
            .Select(e => (e.GetProperty("node").GetString()!, e.GetProperty("event").GetString()!)).ToList();
    }

    public static string RemotingAddress(int port) => $"akka.tcp://mailcluster@127.0.0.1:{port}";
}
