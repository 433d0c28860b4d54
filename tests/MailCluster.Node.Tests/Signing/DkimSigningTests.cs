using System.Text;
using MailCluster.Core.Dkim;
using MailCluster.TestSupport;
using MailCluster.TestSupport.Dkim;

namespace MailCluster.Node.Tests.Signing;

/// <summary>
/// Outbound DKIM signing, end to end on real nodes: what the next hop receives verifies with MimeKit and with
/// python3-dkim (its key lookups sent to the DNS stub), for RSA and Ed25519 at once, and still does after a second
/// MailCluster hop; untrusted mail is never signed; a bad key stops the node naming its HOCON path.
/// </summary>
public sealed class DkimSigningTests : IDisposable
{
    private readonly TempDir _keys = new();

    public void Dispose() => _keys.Dispose();

    private static readonly string Body =
        "Hello,\r\n\r\nTrailing spaces  \r\n\t tabs and  runs\r\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"line {i} {new string('z', 60)}\r\n")) +
        ".leading dot\r\n\r\n\r\n";

    [Fact]
    public async Task Mail_relayed_for_our_users_arrives_signed_with_RSA_and_Ed25519_and_verifies_with_two_implementations()
    {
        await using var dns = DnsStubServer.Start();
        await using var sink = SmtpSink.Start();
        var keys = Publish(dns, ("s2026r", DkimAlgorithm.RsaSha256), ("s2026e", DkimAlgorithm.Ed25519Sha256));
        using var dir = new TempDir();
        // Info, so the mail log's accepted and dkim_sign lines are written.
        using var node = await NodeProcess.StartAsync(dir.Config(RelayConfig(sink.Port, keys.Config) + "\nakka.loglevel = INFO"), dir.Path);

        var message = Message("<relay-1@example.com>");
        await SendAsync(node.Port, message);
        var delivered = (await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30))).Single().Content;

        var text = Encoding.UTF8.GetString(delivered);
        Assert.StartsWith("DKIM-Signature:", text);
        Assert.EndsWith(Encoding.UTF8.GetString(message), text); // the message itself byte for byte, below our headers
        Assert.Equal([("example.com", "s2026r", true), ("example.com", "s2026e", true)], DkimCheck.MimeKit(delivered, keys.Records));
        Assert.Equal(["d=example.com s=s2026r pass", "d=example.com s=s2026e pass"], DkimCheck.Python(delivered, dns.Endpoint));
        Assert.Contains("event=dkim_sign", node.StdOut);
        Assert.Contains("result=dkim-signed d=example.com s=s2026r,s2026e", node.StdOut);
    }

    [Fact]
    public async Task A_signed_message_still_verifies_after_a_second_MailCluster_hop()
    {
        await using var dns = DnsStubServer.Start();
        await using var sink = SmtpSink.Start();
        var keys = Publish(dns, ("hop", DkimAlgorithm.RsaSha256), ("hope", DkimAlgorithm.Ed25519Sha256));
        using var secondDir = new TempDir();
        using var second = await NodeProcess.StartAsync(secondDir.Config(RelayConfig(sink.Port, "")), secondDir.Path);
        using var firstDir = new TempDir();
        using var first = await NodeProcess.StartAsync(firstDir.Config(RelayConfig(second.Port, keys.Config)), firstDir.Path);

        await SendAsync(first.Port, Message("<two-hops@example.com>"));
        var delivered = (await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(45))).Single().Content;

        var text = Encoding.UTF8.GetString(delivered);
        Assert.StartsWith("Received:", text); // the second hop's trace, above the first hop's signatures
        Assert.Equal(2, text.Split("\r\n").Count(l => l.StartsWith("Received:", StringComparison.Ordinal)));
        Assert.All(DkimCheck.MimeKit(delivered, keys.Records), r => Assert.True(r.Valid, $"{r.Selector} failed after two hops"));
        Assert.Equal(["d=example.com s=hop pass", "d=example.com s=hope pass"], DkimCheck.Python(delivered, dns.Endpoint));
    }

    [Fact]
    public async Task Mail_from_an_untrusted_unauthenticated_client_is_not_signed()
    {
        await using var dns = DnsStubServer.Start();
        await using var sink = SmtpSink.Start();
        var keys = Publish(dns, ("s1", DkimAlgorithm.Ed25519Sha256));
        using var dir = new TempDir();
        // Nobody is trusted by address: the client may only send to our (relay) domains, and is not ours to vouch for.
        using var node = await NodeProcess.StartAsync(dir.Config(RelayConfig(sink.Port, keys.Config) + "\nmailcluster.policy.mynetworks = []\nakka.loglevel = INFO"), dir.Path);

        await SendAsync(node.Port, Message("<spoof@example.com>"), from: "outsider@elsewhere.example");
        var delivered = (await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30))).Single().Content;

        Assert.DoesNotContain("DKIM-Signature:", Encoding.UTF8.GetString(delivered), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("event=accepted", node.StdOut);
        Assert.DoesNotContain("event=dkim_sign", node.StdOut);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("wrong-algorithm")]
    public async Task A_bad_signing_key_stops_the_node_naming_its_HOCON_path(string fault)
    {
        var path = Path.Combine(_keys.Path, "bad.pem");
        if (fault == "wrong-algorithm") File.WriteAllText(path, DkimKeyFile.Generate(DkimAlgorithm.Ed25519Sha256).PrivateKeyPem);
        using var dir = new TempDir();
        var run = await NodeProcess.RunToExitAsync(dir.Config($$"""
            mailcluster.dkim.keys { "example.com" { s1 { algorithm = rsa-sha256, private-key = "{{path}}" } } }
            """), dir.Path);

        Assert.Equal(78, run.ExitCode);
        Assert.Contains("error: mailcluster.dkim.keys.\"example.com\".\"s1\".private-key: ", run.StdErr);
        Assert.Contains(path, run.StdErr);
    }

    private static string RelayConfig(int nextHopPort, string dkim) => $$"""
        mailcluster {
          queue.defer-transports = []
          relay-domains = ["dest.test"]
          routing.transports { "dest.test" = "smtp:[127.0.0.1]:{{nextHopPort}}" }
          delivery.smtp.tls = disabled
          delivery.dns.servers = ["127.0.0.1:9"]
          {{dkim}}
        }
        """;

    /// <summary>Writes a key file per selector for example.com and publishes each record on the stub.</summary>
    private (string Config, IReadOnlyDictionary<string, string> Records) Publish(DnsStubServer dns, params (string Selector, DkimAlgorithm Algorithm)[] selectors)
    {
        var records = new Dictionary<string, string>();
        var config = new StringBuilder("dkim.keys { \"example.com\" {\n");
        foreach (var (selector, algorithm) in selectors)
        {
            var (pem, publicKey) = DkimKeyFile.Generate(algorithm);
            var file = Path.Combine(_keys.Path, $"{selector}.pem");
            File.WriteAllText(file, pem);
            var record = DkimKeyFile.DnsRecord(algorithm, publicKey);
            records[$"{selector}._domainkey.example.com"] = record;
            dns.AddTxt($"{selector}._domainkey.example.com", record);
            config.Append($"  {selector} {{ algorithm = {algorithm.Name()}, private-key = \"{file}\" }}\n");
        }
        return (config.Append("} }").ToString(), records);
    }

    private static byte[] Message(string messageId) => Encoding.UTF8.GetBytes(
        "From: Ann Example <ann@example.com>\r\nTo: <bob@dest.test>\r\nSubject: Quarterly   report\r\n" +
        $"Date: Mon, 07 Dec 2026 10:00:00 +0000\r\nMessage-ID: {messageId}\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + Body + "Gr\u00fc\u00dfe\r\n");

    private static async Task SendAsync(int port, byte[] message, string from = "ann@example.com")
    {
        using var client = await RawSmtpClient.ConnectAsync(port);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example"));
        Assert.StartsWith("250", await client.CommandAsync($"MAIL FROM:<{from}> BODY=8BITMIME"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@dest.test>"));
        Assert.StartsWith("250 2.0.0", await client.DataAsync(message));
    }
}
