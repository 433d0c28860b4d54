using MailCluster.Cluster.Admin;

namespace MailCluster.Cli.Admin;

/// <summary>
/// "message trace ID": the message's life from every node's recent mail log, in time order: the client's session,
/// acceptance, each delivery attempt, DSNs. Like grepping a queue id in Postfix's maillog, across the cluster.
/// </summary>
public static class MessageTraceCommand
{
    public static async Task<int> RunAsync(ParsedOptions options, CliConsole console)
    {
        using var client = new AdminClient(AdminConnection.From(options));
        var result = await client.GetAsync($"/api/messages/{Uri.EscapeDataString(options.Positional[0])}/trace");
        if (options.Flag("json")) return Output.Json(console, result);

        var trace = AdminClient.As<MessageTraceView>(result);
        TextTable.Write(console.Out, ["TIME", "NODE", "EVENT", "DETAILS"], trace.Events.Select(e => (IReadOnlyList<string>)
            [e.At.ToString("yyyy-MM-dd HH:mm:ss.fff"), e.Node, e.Event,
             string.Join(' ', e.Fields.Where(f => f.Key != "queue_id").Select(f => $"{f.Key}={f.Value}"))]));
        foreach (var node in trace.NodesNotAnswering) console.Error.WriteLine($"mailctl: {node} did not answer; its lines are missing");
        return ExitCodes.Ok;
    }
}
