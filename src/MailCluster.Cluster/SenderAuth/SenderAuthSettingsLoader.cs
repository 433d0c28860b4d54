using System.Net;
using MailCluster.Cluster.Hosting;
using MailCluster.Core.SenderAuth;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Cluster.SenderAuth;

public static class SenderAuthSettingsLoader
{
    private static HashSet<string> TrustedSealers(ConfigReader root)
    {
        var sealers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in root.StringList("sender-auth.trusted-arc-sealers"))
        {
            if (MailPathParser.TryNormalizeDomain(raw, out var domain)) sealers.Add(domain.ToLowerInvariant());
            else root.Error("sender-auth.trusted-arc-sealers", $"'{raw}' is not a domain");
        }
        return sealers;
    }

    public static SenderAuthSettings Load(ConfigReader root, string hostName)
    {
        var id = root.String("sender-auth.authserv-id");
        if (id.Length == 0) id = hostName;
        else if (!MailPathParser.TryNormalizeDomain(id, out _)) root.Error("sender-auth.authserv-id", $"'{id}' is not a host name");
        var max = root.PositiveInt("sender-auth.max-signatures", 5);
        // The key lookups go where delivery's lookups go unless told otherwise: one place to point a node at its resolver.
        var serverKey = root.StringList("sender-auth.dns.servers").Count > 0 ? "sender-auth.dns.servers" : "delivery.dns.servers";
        var servers = new List<IPEndPoint>();
        foreach (var text in root.StringList(serverKey))
        {
            if (IPEndPoint.TryParse(text, out var endpoint)) servers.Add(endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, 53) : endpoint);
            else root.Error(serverKey, $"'{text}' is not address[:port]");
        }
        var rules = new List<SenderAuthRule>();
        foreach (var name in root.Has("sender-auth.restrictions") ? root.StringList("sender-auth.restrictions") : ["reject-dmarc-policy"])
        {
            if (SenderAuthRules.TryParse(name, out var rule)) rules.Add(rule);
            else root.Error("sender-auth.restrictions", $"'{name}' is not a rule (reject-dmarc-policy, reject-spf-fail, defer-on-temperror)");
        }
        var pslPath = root.String("sender-auth.public-suffix-list");
        var suffixes = PublicSuffixList.Default;
        if (pslPath.Length > 0)
        {
            try { suffixes = PublicSuffixList.LoadFile(pslPath); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                root.Error("sender-auth.public-suffix-list", $"cannot use '{pslPath}': {ex.Message}");
            }
        }
        return new SenderAuthSettings(root.Bool("sender-auth.enabled", true), id, root.Bool("sender-auth.dkim-verify", true), max, servers,
            root.PositiveDuration("sender-auth.dns.timeout", TimeSpan.FromSeconds(2)), root.PositiveInt("sender-auth.dns.attempts", 2))
        {
            VerifySpf = root.Bool("sender-auth.spf-verify", true),
            VerifyDmarc = root.Bool("sender-auth.dmarc-verify", true),
            Restrictions = rules,
            PublicSuffixListPath = pslPath,
            PublicSuffixes = suffixes,
            Timeout = root.PositiveDuration("sender-auth.timeout", TimeSpan.FromSeconds(30)),
            VerifyArc = root.Bool("sender-auth.arc-verify", true),
            TrustedArcSealers = TrustedSealers(root),
        };
    }
}
