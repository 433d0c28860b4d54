using System.Text.Json;
using MailCluster.Cluster.Admin;

namespace MailCluster.Cli.Admin;

/// <summary>Shared output of admin commands: the API's JSON as is (--json), or one line per operation.</summary>
public static class Output
{
    public static int Json(CliConsole console, JsonElement element)
    {
        console.Out.WriteLine(JsonSerializer.Serialize(element, AdminClient.Json));
        return ExitCodes.Ok;
    }

    /// <summary>Exit 1 when nothing matched: a script that deleted "nothing" usually had the wrong id or filter.</summary>
    public static int Operation(CliConsole console, bool json, string action, IReadOnlyList<OperationResult> results)
    {
        var affected = results.Sum(r => r.Affected);
        if (json) console.Out.WriteLine(JsonSerializer.Serialize(results, AdminClient.Json));
        else
        {
            var ids = results.SelectMany(r => r.QueueIds).Distinct().ToList();
            var hops = results.SelectMany(r => r.HopKeys).Distinct().ToList();
            console.Out.WriteLine($"{action}: {affected} entr{(affected == 1 ? "y" : "ies")}" +
                                  (ids.Count > 0 ? $" of {string.Join(", ", ids)}" : "") +
                                  (hops.Count > 0 ? $" in {string.Join(", ", hops)}" : ""));
        }
        return affected > 0 || action == "flush" ? ExitCodes.Ok : ExitCodes.Refused;
    }
}
