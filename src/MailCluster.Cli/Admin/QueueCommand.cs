using MailCluster.Cluster.Admin;

namespace MailCluster.Cli.Admin;

/// <summary>
/// "queue list|show|flush|hold|release|delete": mailq, postqueue -f and postsuper -h/-H/-d against a node's admin API.
/// hold/release/delete take queue ids, or a filter (--domain, --sender, --older-than) selecting across all queues.
/// </summary>
public static class QueueCommand
{
    public static async Task<int> ListAsync(ParsedOptions options, CliConsole console)
    {
        var (client, json) = Connect(options);
        using var _ = client;
        var result = await client.GetAsync("/api/queues");
        if (json) return Output.Json(console, result);
        var queues = AdminClient.As<List<QueueSummaryView>>(result);
        if (queues.Count == 0)
        {
            console.Out.WriteLine("queues are empty");
            return ExitCodes.Ok;
        }
        TextTable.Write(console.Out, ["NEXT HOP", "ACTIVE", "DEFERRED", "HELD", "DELIVERING", "OLDEST", "LAST ERROR"],
            queues.OrderByDescending(q => q.Active + q.Deferred + q.Held).Select(q => (IReadOnlyList<string>)
                [q.HopKey, $"{q.Active}", $"{q.Deferred}", $"{q.Held}", $"{q.Delivering}", TextTable.Age(q.OldestAgeSeconds), q.LastError ?? ""]));
        return ExitCodes.Ok;
    }

    public static async Task<int> ShowAsync(ParsedOptions options, CliConsole console)
    {
        var (client, json) = Connect(options);
        using var _ = client;
        if (options.Positional.Count != 1) throw new UsageException("queue show needs exactly one next hop (see queue list)");
        var result = await client.GetAsync($"/api/queues/{Uri.EscapeDataString(options.Positional[0])}/entries");
        if (json) return Output.Json(console, result);
        var queue = AdminClient.As<QueueEntriesView>(result);
        var now = DateTimeOffset.UtcNow;
        TextTable.Write(console.Out, ["QUEUE ID", "AGE", "STATE", "ATTEMPTS", "SENDER", "RECIPIENT", "LAST ERROR"],
            queue.Entries.OrderBy(e => e.ArrivedAt).Select(e => (IReadOnlyList<string>)
                [e.QueueId, TextTable.Age((now - e.ArrivedAt).TotalSeconds), e.State, $"{e.Attempts}", $"<{e.Sender}>", e.Recipient, e.LastError ?? ""]));
        return ExitCodes.Ok;
    }

    /// <summary>No argument: every queue. HOP: that queue. --id ID: that message wherever it waits.</summary>
    public static async Task<int> FlushAsync(ParsedOptions options, CliConsole console)
    {
        var (client, json) = Connect(options);
        using var _ = client;
        var id = options.Optional("id");
        var results = new List<OperationResult>();
        if (id is not null)
        {
            NoPositional(options, "queue flush --id");
            results.Add(AdminClient.As<OperationResult>(await client.PostAsync($"/api/messages/{Uri.EscapeDataString(id)}/flush")));
        }
        else
        {
            var hops = options.Positional.Count > 0
                ? options.Positional.ToList()
                : AdminClient.As<List<QueueSummaryView>>(await client.GetAsync("/api/queues")).Select(q => q.HopKey).ToList();
            foreach (var hop in hops)
                results.Add(AdminClient.As<OperationResult>(await client.PostAsync($"/api/queues/{Uri.EscapeDataString(hop)}/flush")));
        }
        return Output.Operation(console, json, "flush", results);
    }

    public static async Task<int> ChangeAsync(string action, ParsedOptions options, CliConsole console)
    {
        var (client, json) = Connect(options);
        using var _ = client;
        var filter = new MessageFilter(options.Optional("domain"), options.Optional("sender"),
            options.Optional("older-than") is { } age ? Durations.Seconds(age, "--older-than") : null);
        var ids = options.Positional.Concat(options.All("id")).ToList();
        var hasFilter = filter.Domain is not null || filter.Sender is not null || filter.OlderThanSeconds is not null;
        if (ids.Count > 0 == hasFilter)
            throw new UsageException($"queue {action} needs queue ids or a filter (--domain, --sender, --older-than), not both");
        var results = new List<OperationResult>();
        if (hasFilter) results.Add(AdminClient.As<OperationResult>(await client.PostAsync($"/api/messages/{action}", filter)));
        else
            foreach (var id in ids)
                results.Add(AdminClient.As<OperationResult>(await client.PostAsync($"/api/messages/{Uri.EscapeDataString(id)}/{action}")));
        return Output.Operation(console, json, action, results);
    }

    private static (AdminClient Client, bool Json) Connect(ParsedOptions options) =>
        (new AdminClient(AdminConnection.From(options)), options.Flag("json"));

    private static void NoPositional(ParsedOptions options, string command)
    {
        if (options.Positional.Count > 0) throw new UsageException($"{command}: unexpected argument '{options.Positional[0]}'");
    }
}
