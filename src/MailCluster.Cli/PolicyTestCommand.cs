using System.Net;
using System.Text.Json;
using MailCluster.Cluster.Policy;
using MailCluster.Core.Dnsbl;
using MailCluster.Core.Policy;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Cli;

/// <summary>
/// "policy test": runs <see cref="PolicyProbe"/> (the node's own parsing and restriction functions) against the
/// policy of a config file. DNSBL answers come from the configured servers, as the node gets them, and only when
/// some recipient's verdict depends on them.
/// </summary>
public static class PolicyTestCommand
{
    public static async Task<int> RunAsync(ParsedOptions options, CliConsole console, CancellationToken ct)
    {
        var files = options.All("config");
        var listener = options.Optional("listener") ?? "mx";
        var ipText = options.Required("ip");
        if (!TryParseIp(ipText, out var ip)) throw new UsageException($"--ip '{ipText}' is not an IPv4 or IPv6 address");
        var helo = options.Required("helo");
        var from = options.Required("from");
        var recipients = options.All("to");
        if (recipients.Count == 0) throw new UsageException("at least one --to is required");
        var auth = options.Optional("auth");
        var json = options.Flag("json");

        var loaded = ConfigLoader.Load(files);
        if (loaded.HasErrors)
        {
            console.Error.WriteLine($"mailctl: {string.Join(" + ", files)}: the configuration has errors");
            ConfigLoader.Report(loaded, console.Error);
            return ExitCodes.Config;
        }
        ConfigLoader.Report(loaded, console.Error); // warnings only
        var settings = loaded.Settings!;
        var policy = settings.Policy;
        if (!settings.Listeners.Any(l => l.Name == listener))
            throw new UsageException($"--listener '{listener}' is not configured; listeners: {string.Join(", ", settings.Listeners.Select(l => l.Name))}");
        if (auth is not null && !policy.Users.Users.Any(u => string.Equals(u.Login, auth, StringComparison.OrdinalIgnoreCase)))
            throw new UsageException($"--auth '{auth}' is not a user in auth.users or auth.users-file, so it could never authenticate");
        // The node keeps the login as the client typed it; the directory compares case-insensitively.
        var probe = new PolicyProbeRequest(listener, ip, helo, from, recipients, auth);

        var (dnsbl, dnsblNote) = await DnsblAsync(policy, probe, options.Flag("no-dnsbl"), ct);
        var lines = PolicyProbe.Run(policy, probe with { Dnsbl = dnsbl });
        var refused = lines.Any(l => l.Verdict is not Permit);

        if (json) WriteJson(console.Out, probe, dnsbl, dnsblNote, lines, refused);
        else
        {
            foreach (var line in lines) console.Out.WriteLine(line);
            if (dnsblNote is not null) console.Error.WriteLine($"note: {dnsblNote}");
        }
        if (options.Optional("message") is { } message && !refused)
            refused = await SenderAuthTest.RunAsync(settings, ip, helo, from, auth, message, console, ct);
        return refused ? ExitCodes.Refused : ExitCodes.Ok;
    }

    /// <summary>Looks the client up only when the listener's list would reach reject-rbl-client for some recipient.</summary>
    private static async Task<(DnsblResult?, string?)> DnsblAsync(PolicySnapshot policy, PolicyProbeRequest probe, bool skip, CancellationToken ct)
    {
        var listener = policy.For(probe.Listener);
        if (!listener.ChecksDnsbl || policy.DnsblZones.Count == 0 || policy.Dnsbl is null) return (null, null);
        if (!MailPathParser.TryParse(Bracket(probe.Sender), true, out var sender, out _, out _)) return (null, null);
        var needed = probe.Recipients.Any(to =>
            MailPathParser.TryParse(Bracket(to), false, out var rcpt, out _, out _) &&
            RecipientRestrictions.NeedsDnsbl(
                new PolicyRequest(probe.ClientIp, probe.HeloName, sender, rcpt, probe.AuthenticatedUser),
                policy.Rules, listener.RecipientRestrictions));
        if (!needed) return (null, null);
        var zones = string.Join(", ", policy.DnsblZones.Select(z => z.Zone));
        if (skip) return (null, $"DNSBL not consulted (--no-dnsbl); the node would check {zones}");
        var result = await new DnsClientDnsblLookup(policy.Dnsbl).CheckAsync(probe.ClientIp, policy.DnsblZones, ct);
        var servers = string.Join(", ", policy.Dnsbl.Servers);
        return (result, result switch
        {
            Listed l => $"DNSBL {l.Zone} lists [{probe.ClientIp}] with {l.Code} (asked {servers})",
            LookupFailed f => $"DNSBL {f.Zone} lookup failed: {f.Reason} (asked {servers})",
            _ => $"DNSBL: [{probe.ClientIp}] not listed in {zones} (asked {servers})",
        });
    }

    /// <summary>Strict: IPAddress.TryParse alone would take "10.1" as 10.0.0.1.</summary>
    private static bool TryParseIp(string text, out IPAddress ip)
    {
        var t = text.Trim().Trim('[', ']');
        ip = IPAddress.None;
        if (!IPAddress.TryParse(t, out var parsed)) return false;
        if (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && t.Count(c => c == '.') != 3) return false;
        ip = parsed;
        return true;
    }

    private static string Bracket(string address) => address.StartsWith('<') ? address : $"<{address}>";

    private static void WriteJson(TextWriter output, PolicyProbeRequest probe, DnsblResult? dnsbl, string? dnsblNote,
        IReadOnlyList<PolicyProbeLine> lines, bool refused)
    {
        var document = new
        {
            listener = probe.Listener,
            client = probe.ClientIp.ToString(),
            helo = probe.HeloName,
            auth = probe.AuthenticatedUser,
            dnsbl = dnsbl switch
            {
                null => null,
                Listed l => new { result = "listed", zone = (string?)l.Zone, code = (string?)l.Code.ToString(), text = l.Text, reason = (string?)null },
                LookupFailed f => new { result = "failed", zone = (string?)f.Zone, code = (string?)null, text = (string?)null, reason = (string?)f.Reason },
                _ => new { result = "clean", zone = (string?)null, code = (string?)null, text = (string?)null, reason = (string?)null },
            },
            note = dnsblNote,
            permitted = !refused,
            results = lines.Select(l =>
            {
                var reply = l.Verdict switch { Reject r => r.Reply, Defer d => d.Reply, _ => null };
                return new
                {
                    stage = l.Stage,
                    address = l.Address,
                    verdict = l.Verdict switch { Reject => "reject", Defer => "defer", _ => "permit" },
                    rule = l.Verdict.Rule,
                    code = reply?.Code,
                    enhanced = reply?.EnhancedCode,
                    text = reply is null ? null : string.Join(" ", reply.Lines),
                };
            }).ToList(),
        };
        output.WriteLine(JsonSerializer.Serialize(document, new JsonSerializerOptions
        {
            WriteIndented = true,
            // Addresses are shown as <a@b>, not \u003Ca@b\u003E; this is printed, never embedded in HTML.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));
    }
}
