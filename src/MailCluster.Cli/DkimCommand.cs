using System.Net;
using DnsClient;
using MailCluster.Core.Dkim;

namespace MailCluster.Cli;

/// <summary>
/// "dkim keygen": a new signing key file and the DNS record to publish for it. "dkim check": is the published record
/// the one for this key?
/// </summary>
public static class DkimCommand
{
    public static int Keygen(ParsedOptions options, CliConsole console)
    {
        var (domain, selector) = (options.Required("domain").TrimEnd('.').ToLowerInvariant(), options.Required("selector"));
        var algorithm = Algorithm(options.Optional("algorithm") ?? "rsa");
        var file = options.Optional("out") ?? $"{domain}.{selector}.pem";
        if (File.Exists(file) && !options.Flag("force"))
        {
            console.Error.WriteLine($"mailctl: {file} exists; a new key would orphan the published record (use --force to replace it)");
            return ExitCodes.Refused;
        }
        var (pem, publicKey) = DkimKeyFile.Generate(algorithm);
        WritePrivate(file, pem);
        var record = DkimKeyFile.DnsRecord(algorithm, publicKey);
        console.Out.WriteLine($"wrote {algorithm.Name()} key {Path.GetFullPath(file)}");
        console.Out.WriteLine();
        console.Out.WriteLine("publish this TXT record:");
        console.Out.WriteLine($"{selector}._domainkey.{domain}. IN TXT {ZoneStrings(record)}");
        console.Out.WriteLine();
        console.Out.WriteLine("then sign with it:");
        console.Out.WriteLine($"mailcluster.dkim.keys {{ \"{domain}\" {{ {selector} {{ algorithm = {algorithm.Name()}, private-key = \"{Path.GetFullPath(file)}\" }} }} }}");
        return ExitCodes.Ok;
    }

    public static async Task<int> CheckAsync(ParsedOptions options, CliConsole console, CancellationToken ct)
    {
        var (domain, selector) = (options.Required("domain").TrimEnd('.').ToLowerInvariant(), options.Required("selector"));
        var keyFile = options.Required("key");
        var algorithm = Algorithm(options.Optional("algorithm") ?? "rsa");
        Org.BouncyCastle.Crypto.AsymmetricKeyParameter key;
        try { key = DkimKeyFile.Load(keyFile, algorithm); }
        catch (DkimKeyException ex)
        {
            console.Error.WriteLine($"mailctl: {ex.Message}");
            return ExitCodes.Config;
        }

        var name = $"{selector}._domainkey.{domain}";
        var lookup = Resolver(options.All("dns"));
        IDnsQueryResponse response;
        try { response = await lookup.QueryAsync(name, QueryType.TXT, QueryClass.IN, ct); }
        catch (DnsResponseException ex)
        {
            console.Error.WriteLine($"mailctl: {name}: DNS lookup failed: {ex.Message}");
            return ExitCodes.Unavailable;
        }
        if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
        {
            console.Error.WriteLine($"mailctl: {name}: DNS lookup failed: {response.ErrorMessage}");
            return ExitCodes.Unavailable;
        }
        var records = response.Answers.TxtRecords().Select(r => string.Concat(r.Text)).Where(t => t.Contains("p=", StringComparison.Ordinal)).ToList();
        console.Out.WriteLine($"{name}:");
        if (records.Count == 0)
        {
            console.Out.WriteLine("  no DKIM key record published: receivers will find no key and fail every signature (permerror)");
            console.Out.WriteLine($"  publish: {name}. IN TXT {ZoneStrings(DkimKeyFile.DnsRecord(algorithm, DkimKeyFile.PublicKeyOf(key)))}");
            return ExitCodes.Refused;
        }
        if (records.Count > 1)
        {
            console.Out.WriteLine($"  {records.Count} key records published: receivers pick one, so signatures fail at random; keep one");
            return ExitCodes.Refused;
        }
        console.Out.WriteLine($"  published: {records[0]}");
        if (!DkimKeyRecord.TryParse(records[0], out var record, out var error))
        {
            console.Out.WriteLine($"  not a valid key record: {error}");
            return ExitCodes.Refused;
        }
        var (matches, reason) = record.Check(algorithm, key);
        console.Out.WriteLine($"  {(matches ? "ok" : "MISMATCH")}: {reason}");
        if (matches && record.IsTesting) console.Out.WriteLine("  note: t=y (testing): receivers may ignore failures; remove it once signing works");
        return matches ? ExitCodes.Ok : ExitCodes.Refused;
    }

    private static DkimAlgorithm Algorithm(string text) =>
        DkimAlgorithms.TryParse(text, out var algorithm) ? algorithm : throw new UsageException($"--algorithm '{text}' is not rsa or ed25519");

    /// <summary>The given resolvers (address[:port]), or the system's when none are given.</summary>
    private static LookupClient Resolver(IReadOnlyList<string> servers)
    {
        if (servers.Count == 0) return new LookupClient(new LookupClientOptions { UseCache = false, Timeout = TimeSpan.FromSeconds(5) });
        var endpoints = servers.Select(s => IPEndPoint.TryParse(s, out var ep)
            ? (ep.Port == 0 ? new IPEndPoint(ep.Address, 53) : ep)
            : throw new UsageException($"--dns '{s}' is not address[:port]")).ToArray();
        return new LookupClient(new LookupClientOptions(endpoints) { UseCache = false, Timeout = TimeSpan.FromSeconds(5), UseTcpFallback = true });
    }

    /// <summary>A TXT value as zone-file strings of at most 255 octets each (RFC 1035), joined by the resolver.</summary>
    internal static string ZoneStrings(string record)
    {
        var chunks = record.Chunk(250).Select(c => $"\"{new string(c)}\"").ToList();
        return chunks.Count == 1 ? chunks[0] : $"( {string.Join(' ', chunks)} )";
    }

    /// <summary>A private key is readable by its owner only, from the moment the file exists.</summary>
    private static void WritePrivate(string file, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(file, options);
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
    }
}
