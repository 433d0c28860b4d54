using MailCluster.Cluster.Admin;

namespace MailCluster.Cli.Admin;

/// <summary>"message show ID": envelope, each recipient's state in each queue, and the header fields.</summary>
public static class MessageShowCommand
{
    public static async Task<int> RunAsync(ParsedOptions options, CliConsole console)
    {
        if (options.Positional.Count != 1) throw new UsageException("message show needs exactly one queue id");
        using var client = new AdminClient(AdminConnection.From(options));
        var result = await client.GetAsync($"/api/messages/{Uri.EscapeDataString(options.Positional[0])}");
        if (options.Flag("json")) return Output.Json(console, result);

        var m = AdminClient.As<MessageView>(result);
        var o = console.Out;
        o.WriteLine($"queue id:  {m.QueueId}");
        o.WriteLine($"sender:    <{m.Sender}>");
        if (m.InSpool)
        {
            o.WriteLine($"received:  {m.ReceivedAt:u} from [{m.ClientIp}] (helo {m.HeloName}), {m.Size} bytes");
            o.WriteLine($"envelope:  {string.Join(", ", m.EnvelopeRecipients.Select(r => $"<{r}>"))}");
        }
        else o.WriteLine("spool:     (body not in the spool)");
        o.WriteLine();
        TextTable.Write(o, ["RECIPIENT", "STATE", "ATTEMPTS", "NEXT HOP", "NEXT ATTEMPT", "LAST ERROR"],
            m.Recipients.Select(r => (IReadOnlyList<string>)[r.Recipient, r.State, $"{r.Attempts}", r.HopKey,
                r.NextAttemptAt?.ToString("u") ?? "-", r.LastError ?? ""]));
        if (m.Headers.Count > 0)
        {
            o.WriteLine();
            foreach (var h in m.Headers) o.WriteLine($"{h.Name}: {h.Value}");
        }
        return ExitCodes.Ok;
    }
}
