using MailCluster.Cluster.Admin;

namespace MailCluster.Cli.Admin;

/// <summary>"cluster status": members with status and roles, then queue shards and entities per node.</summary>
public static class ClusterStatusCommand
{
    public static async Task<int> RunAsync(ParsedOptions options, CliConsole console)
    {
        using var client = new AdminClient(AdminConnection.From(options));
        var result = await client.GetAsync("/api/cluster");
        if (options.Flag("json")) return Output.Json(console, result);

        var cluster = AdminClient.As<ClusterView>(result);
        TextTable.Write(console.Out, ["MEMBER", "STATUS", "ROLES", "REACHABLE", ""],
            cluster.Members.Select(m => (IReadOnlyList<string>)[m.Address, m.Status, string.Join(",", m.Roles), m.Reachable ? "yes" : "NO",
                string.Join(" ", new[] { m.IsSelf ? "(this node)" : "", m.IsLeader ? "(leader)" : "" }.Where(s => s.Length > 0))]));
        console.Out.WriteLine();
        TextTable.Write(console.Out, ["QUEUE REGION", "SHARDS", "QUEUES"],
            cluster.QueueShards.Select(r => (IReadOnlyList<string>)[r.Address, $"{r.Shards}", $"{r.Entities}"]));
        foreach (var failed in cluster.ShardStatsFailedFor) console.Error.WriteLine($"warning: no shard statistics from {failed}");
        return ExitCodes.Ok;
    }
}
