using System.Text.RegularExpressions;
using MailCluster.Core.Dkim;
using MailCluster.TestSupport;

namespace MailCluster.Cli.Tests;

/// <summary>mailctl dkim keygen and check, against the DNS stub on loopback.</summary>
public sealed class DkimCommandTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("rsa", "rsa-sha256", "k=rsa")]
    [InlineData("ed25519", "ed25519-sha256", "k=ed25519")]
    public async Task Keygen_writes_a_private_key_file_and_prints_the_record_that_check_then_finds_matching(string option, string algorithm, string keyType)
    {
        await using var dns = DnsStubServer.Start();
        var file = Path.Combine(_cli.Dir, "key.pem");

        var made = await Cli.RunAsync("dkim", "keygen", "--domain", "Example.COM", "--selector", "s2026", "--algorithm", option, "--out", file);

        Assert.True(made.Exit == 0, made.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.True(DkimKeyFile.Load(file, DkimAlgorithms.TryParse(option, out var a) ? a : default).IsPrivate);
        var recordLine = made.Lines.Single(l => l.StartsWith("s2026._domainkey.example.com. IN TXT ", StringComparison.Ordinal));
        var record = string.Concat(Regex.Matches(recordLine, "\"([^\"]*)\"").Select(m => m.Groups[1].Value));
        Assert.StartsWith($"v=DKIM1; {keyType}; p=", record);
        Assert.All(Regex.Matches(recordLine, "\"([^\"]*)\""), m => Assert.True(m.Groups[1].Value.Length <= 255));
        Assert.Contains($"s2026 {{ algorithm = {algorithm}, private-key = \"{file}\" }}", made.Out);

        dns.AddTxt("s2026._domainkey.example.com", record);
        var check = await Cli.RunAsync("dkim", "check", "--domain", "example.com", "--selector", "s2026", "--key", file, "--algorithm", option,
            "--dns", dns.Endpoint.ToString());

        Assert.True(check.Exit == 0, check.ToString());
        Assert.Contains("ok: the published p= is this key's public key", check.Out);
        Assert.All(dns.Queries, q => Assert.Equal("s2026._domainkey.example.com", q.Name.TrimEnd('.')));
    }

    [Fact]
    public async Task Check_says_mismatch_when_the_published_key_is_another_and_when_none_is_published()
    {
        await using var dns = DnsStubServer.Start();
        var file = Path.Combine(_cli.Dir, "mine.pem");
        Assert.Equal(0, (await Cli.RunAsync("dkim", "keygen", "--domain", "example.com", "--selector", "s1", "--out", file)).Exit);
        var (_, otherPublic) = DkimKeyFile.Generate(DkimAlgorithm.RsaSha256);
        dns.AddTxt("s1._domainkey.example.com", DkimKeyFile.DnsRecord(DkimAlgorithm.RsaSha256, otherPublic));

        var other = await Cli.RunAsync("dkim", "check", "--domain", "example.com", "--selector", "s1", "--key", file, "--dns", dns.Endpoint.ToString());
        Assert.Equal(1, other.Exit);
        Assert.Contains("MISMATCH: the published p= is a different key", other.Out);

        var none = await Cli.RunAsync("dkim", "check", "--domain", "example.com", "--selector", "s2", "--key", file, "--dns", dns.Endpoint.ToString());
        Assert.Equal(1, none.Exit);
        Assert.Contains("no DKIM key record published", none.Out);

        dns.ServFail("s3._domainkey.example.com");
        var failed = await Cli.RunAsync("dkim", "check", "--domain", "example.com", "--selector", "s3", "--key", file, "--dns", dns.Endpoint.ToString());
        Assert.Equal(69, failed.Exit);
        Assert.Contains("DNS lookup failed", failed.Error);
    }

    [Fact]
    public async Task Keygen_does_not_overwrite_a_key_unless_forced()
    {
        var file = Path.Combine(_cli.Dir, "k.pem");
        Assert.Equal(0, (await Cli.RunAsync("dkim", "keygen", "--domain", "example.com", "--selector", "s1", "--out", file)).Exit);
        var before = File.ReadAllText(file);

        var again = await Cli.RunAsync("dkim", "keygen", "--domain", "example.com", "--selector", "s1", "--out", file);
        Assert.Equal(1, again.Exit);
        Assert.Equal(before, File.ReadAllText(file));

        Assert.Equal(0, (await Cli.RunAsync("dkim", "keygen", "--domain", "example.com", "--selector", "s1", "--out", file, "--force")).Exit);
        Assert.NotEqual(before, File.ReadAllText(file));
    }
}
