using System.Net;
using Akka.Configuration;
using MailCluster.Cluster.Hosting;
using MailCluster.Core.Auth;
using MailCluster.Core.Dnsbl;
using MailCluster.Core.Policy;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Cluster.Policy;

/// <summary>Reads mailcluster.policy, relay-domains, local-recipients, auth and each listener's policy overrides.</summary>
public static class PolicySettingsLoader
{
    public static PolicySnapshot Load(Config config, ConfigReader root, IReadOnlyList<string> localDomains, IEnumerable<string> listenerNames)
    {
        var rules = new RelayPolicyRules(
            localDomains.ToHashSet(),
            ReadDomains(root, "relay-domains").ToHashSet(),
            ReadNetworks(root, "policy.mynetworks"),
            ReadLocalRecipients(config, root));
        var defaults = ReadListenerPolicy(root, "policy", ListenerPolicy.Default);
        var listeners = listenerNames.ToDictionary(n => n, n => ReadListenerPolicy(root, $"smtp.listeners.{n}.policy", defaults));
        var users = ReadUsers(config, root);
        var (zones, dnsbl) = ReadDnsbl(root);
        if (listeners.Values.Any(l => l.ChecksDnsbl) && zones.Count > 0 && dnsbl is null)
            root.Error("policy.dnsbl.servers", "DNSBL zones are configured but no DNS server is; list resolver endpoints such as \"127.0.0.1:53\"");
        var limits = new RateLimits(
            NonNegative(root, "policy.rate-limits.messages-per-ip"), NonNegative(root, "policy.rate-limits.recipients-per-ip"),
            NonNegative(root, "policy.rate-limits.messages-per-user"), NonNegative(root, "policy.rate-limits.recipients-per-user"));
        return new PolicySnapshot(rules, listeners, users, zones, dnsbl, limits, AuthSettingsLoader.ReadLockout(root));
    }

    private static int NonNegative(ConfigReader root, string key)
    {
        var value = root.Int(key, 0);
        if (value < 0) root.Error(key, "must be 0 (no limit) or a positive number per minute");
        return Math.Max(0, value);
    }

    private static IEnumerable<string> ReadDomains(ConfigReader root, string path)
    {
        foreach (var raw in root.StringList(path))
        {
            if (MailPathParser.TryNormalizeDomain(raw, out var domain)) yield return domain;
            else root.Error(path, $"'{raw}' is not a valid domain");
        }
    }

    private static NetworkList ReadNetworks(ConfigReader root, string path)
    {
        if (!root.Has(path)) return NetworkList.Loopback;
        var networks = new List<(string, IPNetwork)>();
        foreach (var entry in root.StringList(path))
        {
            if (NetworkList.TryParseEntry(entry, out var network)) networks.Add((entry, network));
            else root.Error(path, $"'{entry}' is not an address or CIDR network such as 192.0.2.0/24 or 2001:db8::/32");
        }
        foreach (var finding in TrustedNetworkWidth.Check(networks))
        {
            if (finding.IsError) root.Error(path, finding.Message);
            else root.Warning(path, finding.Message);
        }
        return new NetworkList(networks.Select(n => n.Item2));
    }

    private static ListenerPolicy ReadListenerPolicy(ConfigReader root, string path, ListenerPolicy inherited)
    {
        _ = root.Map(path); // only to report a value where the block belongs (policy = 42)
        var p = root.Sub(path);
        var list = inherited.RecipientRestrictions;
        if (p.Has("recipient-restrictions"))
        {
            var parsed = new List<RestrictionRule>();
            foreach (var name in p.StringList("recipient-restrictions"))
            {
                if (RestrictionRuleNames.TryParse(name, out var rule)) parsed.Add(rule);
                else p.Error("recipient-restrictions", $"unknown rule '{name}'; known rules: {string.Join(", ", RestrictionRuleNames.All)}");
            }
            if (ListenerPolicy.CanOpenRelay(parsed))
                p.Error("recipient-restrictions", "this list would make an open relay: it must contain reject-unauth-destination (or reject/defer) before any unconditional permit");
            list = parsed;
        }
        return new ListenerPolicy(list,
            p.Bool("require-auth", inherited.RequireAuth),
            p.Bool("reject-local-sender-spoofing", inherited.RejectLocalSenderSpoofing),
            p.Bool("enforce-sender-login", inherited.EnforceSenderLogin));
    }

    private static LocalRecipientTable ReadLocalRecipients(Config config, ConfigReader root)
    {
        var addresses = new List<string>();
        foreach (var mailbox in root.StringList("local-recipients.mailboxes"))
        {
            if (IsAddress(mailbox)) addresses.Add(mailbox);
            else root.Error("local-recipients.mailboxes", $"'{mailbox}' is not an address such as user@example.com");
        }
        foreach (var (alias, targets) in root.Map("local-recipients.aliases"))
        {
            if (!IsAddress(alias)) root.Error($"local-recipients.aliases.\"{alias}\"", "alias name is not an address such as sales@example.com");
            else if (!HoconShape.IsText(targets) && !(HoconShape.IsList(targets) && targets.GetArray().All(HoconShape.IsText)))
                root.Error($"local-recipients.aliases.\"{alias}\"", "targets are an address or a list of addresses");
            else addresses.Add(alias);
        }
        return new LocalRecipientTable(addresses, ReadDomains(root, "local-recipients.catch-all-domains"));
    }

    private static bool IsAddress(string text) =>
        MailPathParser.TryParse($"<{text}>", false, out var path, out var rest, out _) && rest.Length == 0 && path.Domain.Length > 0;

    private static UserDirectory ReadUsers(Config config, ConfigReader root)
    {
        var users = new List<SmtpUser>();
        {
            // Logins are usually addresses, so they are read as raw keys: HOCON paths would split them at the dots.
            foreach (var (login, value) in root.Map("auth.users"))
            {
                var where = $"auth.users.\"{login}\"";
                var fields = value.IsObject() ? value.GetObject().Items : null;
                var hash = fields is not null && fields.TryGetValue("password-hash", out var h) ? h.GetString() ?? "" : "";
                if (!PasswordHash.IsWellFormed(hash, out var reason))
                {
                    root.Error($"{where}.password-hash", $"{reason} (create one with: mailcluster-node hash-password)");
                    continue;
                }
                var addresses = root.Sub(where).StringList("addresses");
                users.Add(new SmtpUser(login, hash, addresses));
            }
        }
        var file = root.String("auth.users-file");
        if (file.Length > 0)
        {
            if (!File.Exists(file)) root.Error("auth.users-file", $"file '{file}' does not exist");
            else
            {
                var parsed = UserDirectory.ParseUsersFile(File.ReadAllText(file), out var errors);
                foreach (var e in errors) root.Error("auth.users-file", $"{file}: {e}");
                users.AddRange(parsed.Users);
            }
        }
        // Logins compare ignoring case: "Alice@x" in users and "alice@x" in the users file are one account twice.
        var unique = new List<SmtpUser>();
        foreach (var group in users.GroupBy(u => u.Login, StringComparer.OrdinalIgnoreCase))
        {
            if (group.Count() > 1) root.Error("auth.users", $"login '{group.Key}' is defined {group.Count()} times (logins ignore case)");
            unique.Add(group.First());
        }
        return new UserDirectory(unique);
    }

    private static (IReadOnlyList<DnsblZone>, DnsblLookupOptions?) ReadDnsbl(ConfigReader root)
    {
        var d = root.Sub("policy.dnsbl");
        var zones = new List<DnsblZone>();
        foreach (var entry in d.StringList("zones"))
        {
            // "zone" or "zone=127.0.0.2,127.0.0.4": only the listed answer codes count as a listing.
            var parts = entry.Split('=', 2);
            if (!MailPathParser.TryNormalizeDomain(parts[0], out var zone)) { d.Error("zones", $"'{entry}' is not a DNS zone"); continue; }
            IReadOnlyList<IPAddress>? codes = null;
            if (parts.Length == 2)
            {
                var parsed = parts[1].Split(',').Select(c => IPAddress.TryParse(c.Trim(), out var ip) ? ip : null).ToList();
                if (parsed.Any(c => c is null)) { d.Error("zones", $"'{entry}' has a bad answer code list"); continue; }
                codes = parsed!;
            }
            zones.Add(new DnsblZone(zone, codes));
        }
        var servers = new List<IPEndPoint>();
        foreach (var s in d.StringList("servers"))
        {
            if (IPEndPoint.TryParse(s, out var ep)) servers.Add(ep.Port == 0 ? new IPEndPoint(ep.Address, 53) : ep);
            else d.Error("servers", $"'{s}' is not an address[:port] such as 127.0.0.1:53");
        }
        // Read even without servers, so a bad value is reported now and not when someone adds a server.
        var timeout = d.PositiveDuration("timeout", TimeSpan.FromSeconds(2));
        var attempts = d.PositiveInt("attempts", 2);
        var options = servers.Count == 0 ? null : new DnsblLookupOptions(servers, timeout, attempts - 1);
        return (zones, options);
    }
}
