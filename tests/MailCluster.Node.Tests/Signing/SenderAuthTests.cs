using System.Text;
using MailCluster.Core.Dkim;
using MailCluster.TestSupport;

namespace MailCluster.Node.Tests.Signing;

/// <summary>
/// The MX side on a real node: mail from a client that is not ours gets our Authentication-Results with a result per
/// DKIM signature (keys served by the DNS stub), and a forged result in our name is gone from the delivered copy.
/// </summary>
public sealed class SenderAuthTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Mail_from_outside_gets_our_results_per_signature_and_forged_results_are_removed()
    {
        await using var dns = DnsStubServer.Start();
        await using var sink = SmtpSink.Start();
        var (pem, publicKey) = DkimKeyFile.Generate(DkimAlgorithm.Ed25519Sha256);
        var keyFile = Path.Combine(_dir.Path, "sender.pem");
        File.WriteAllText(keyFile, pem);
        dns.AddTxt("s1._domainkey.sender.example", DkimKeyFile.DnsRecord(DkimAlgorithm.Ed25519Sha256, publicKey));
        dns.ServFail("down._domainkey.sender.example");
        var signer = new DkimMessageSigner(DkimSigningSettings.None with
        {
            KeysByDomain = new Dictionary<string, IReadOnlyList<DkimSigningKey>>
            {
                ["sender.example"] = [new DkimSigningKey("sender.example", "s1", DkimAlgorithm.Ed25519Sha256, DkimKeyFile.Load(keyFile, DkimAlgorithm.Ed25519Sha256), keyFile)],
            },
        });
        using var node = await StartNodeAsync(sink, dns);

        // 1: signed as sent, with a forged "pass" in our name that a filter downstream might believe.
        var body = Encoding.ASCII.GetBytes("From: a@sender.example\r\nTo: bob@dest.test\r\nSubject: one\r\nMessage-ID: <1@sender.example>\r\n\r\nhello\r\n");
        var signed = signer.Sign(true, body).Headers;
        var forged = Encoding.ASCII.GetBytes("Authentication-Results: mx.test; dkim=pass header.d=bank.example\r\n");
        await SendAsync(node.Port, [.. forged, .. signed, .. body]);
        // 2: the same signature over a body changed on the way.
        await SendAsync(node.Port, [.. signed, .. Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(body).Replace("hello", "HELLO"))]);
        // 3: a signature whose key cannot be looked up right now.
        var down = Encoding.ASCII.GetString(signed).Replace("s=s1;", "s=down;");
        await SendAsync(node.Port, [.. Encoding.ASCII.GetBytes(down), .. body]);
        // 4: not signed at all.
        await SendAsync(node.Port, body);

        var delivered = (await sink.WaitForMessagesAsync(4, TimeSpan.FromSeconds(30)))
            .Select(m => Encoding.ASCII.GetString(m.Content)).ToList();
        string Results(params string[] parts) => delivered.Single(d => parts.All(p => d.Contains(p, StringComparison.Ordinal)));

        var first = Results("s=s1;", "\r\n\r\nhello\r\n");
        Assert.StartsWith("Authentication-Results: mx.test;\r\n\tdkim=pass reason=\"good signature\" header.d=sender.example header.s=s1 header.a=ed25519-sha256", first);
        Assert.DoesNotContain("bank.example", first);
        Assert.Single(first.Split("\r\n"), l => l.StartsWith("Authentication-Results:", StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("Authentication-Results: mx.test;\r\n\tdkim=fail", Results("HELLO"));
        Assert.StartsWith("Authentication-Results: mx.test;\r\n\tdkim=temperror", Results("s=down;"));
        var unsigned = delivered.Single(d => !d.Contains("DKIM-Signature", StringComparison.Ordinal));
        Assert.StartsWith("Authentication-Results: mx.test;\r\n\tdkim=none;\r\n\tspf=none ", unsigned);
        Assert.Contains("smtp.mailfrom=sender.example;\r\n\tspf=none reason=\"client.example publishes no SPF record\" smtp.helo=client.example;\r\n" +
                        "\tdmarc=none reason=\"no DMARC record\" header.from=sender.example\r\nReceived: from client.example", unsigned);
        Assert.Contains("forged_results_removed=1", node.StdOut);
        Assert.Contains("dkim=pass:sender.example/s1", node.StdOut);
        Assert.All(dns.Queries, q => Assert.Matches(@"(^|\.)(sender|client)\.example$", q.Name.TrimEnd('.')));
    }

    [Fact]
    public async Task DMARC_and_SPF_verdicts_are_acted_on_at_the_end_of_DATA_and_a_DNS_failure_defers()
    {
        await using var dns = DnsStubServer.Start();
        await using var sink = SmtpSink.Start();
        dns.AddTxt("bank.example", "v=spf1 ip4:192.0.2.1 -all");          // the client (127.0.0.1) is not bank's
        dns.AddTxt("_dmarc.bank.example", "v=DMARC1; p=reject");
        dns.AddTxt("shop.example", "v=spf1 ip4:192.0.2.1 -all");
        dns.AddTxt("_dmarc.shop.example", "v=DMARC1; p=quarantine");
        dns.AddTxt("good.example", "v=spf1 ip4:127.0.0.0/8 -all");         // an aligned SPF pass
        dns.AddTxt("_dmarc.good.example", "v=DMARC1; p=reject");
        dns.AddTxt("flaky.example", "v=spf1 ip4:192.0.2.1 -all");
        dns.ServFail("_dmarc.flaky.example");
        // A mailing list that ARC-seals what it forwards; its SPF does not cover bank.example's From:.
        var (listPem, listPublic) = DkimKeyFile.Generate(DkimAlgorithm.RsaSha256);
        var listKeyFile = Path.Combine(_dir.Path, "list.pem");
        File.WriteAllText(listKeyFile, listPem);
        dns.AddTxt("arc1._domainkey.lists.example.org", DkimKeyFile.DnsRecord(DkimAlgorithm.RsaSha256, listPublic));
        var listKey = new DkimSigningKey("lists.example.org", "arc1", DkimAlgorithm.RsaSha256, DkimKeyFile.Load(listKeyFile, DkimAlgorithm.RsaSha256), listKeyFile);
        using var node = await StartNodeAsync(sink, dns, ", restrictions = [reject-dmarc-policy], trusted-arc-sealers = [\"lists.example.org\"]");

        var rejected = await TrySendAsync(node.Port, "ceo@bank.example");
        var quarantined = await TrySendAsync(node.Port, "orders@shop.example");
        var passed = await TrySendAsync(node.Port, "news@good.example");
        var deferred = await TrySendAsync(node.Port, "x@flaky.example");
        var forwarded = await TrySendAsync(node.Port, "ceo@bank.example", TestSupport.Dkim.ArcSealing.Seal(Encoding.ASCII.GetBytes(
            "From: ceo@bank.example\r\nTo: bob@dest.test\r\nSubject: [list] s\r\nMessage-ID: <arc@bank.example>\r\n\r\nbody\r\n"), listKey));

        Assert.StartsWith("550 5.7.1 ", rejected);
        Assert.Contains("DMARC", rejected);
        Assert.StartsWith("451 4.7.1 ", deferred);
        Assert.StartsWith("250 2.0.0", quarantined);
        Assert.StartsWith("250 2.0.0", passed);
        Assert.StartsWith("250 2.0.0", forwarded); // DMARC fails, but a trusted forwarder's verified chain vouches for it
        var delivered = (await sink.WaitForMessagesAsync(3, TimeSpan.FromSeconds(30))).Select(m => Encoding.ASCII.GetString(m.Content)).ToList();
        await Task.Delay(500);
        Assert.Equal(3, sink.MessageCount); // the refused ones were never stored
        var viaList = delivered.Single(d => d.Contains("<arc@bank.example>", StringComparison.Ordinal));
        Assert.Contains("\tarc=pass (i=1 sealer=lists.example.org)", viaList);
        Assert.Contains("dmarc=pass (p=reject dis=none) reason=\"ARC chain sealed by trusted forwarder lists.example.org\" header.from=bank.example", viaList);
        var shop = delivered.Single(d => d.Contains("From: orders@shop.example", StringComparison.Ordinal));
        Assert.StartsWith("X-MailCluster-Quarantine: reject-dmarc-policy; dmarc=fail header.from=shop.example p=quarantine\r\n", shop);
        Assert.Contains("\tdmarc=fail (p=quarantine dis=quarantine)", shop);
        var good = delivered.Single(d => d.Contains("From: news@good.example", StringComparison.Ordinal));
        Assert.Contains("\tspf=pass ", good);
        Assert.Contains("\tdmarc=pass (p=reject dis=none) reason=\"SPF good.example aligned\" header.from=good.example", good);
        Assert.Contains("stage=data verdict=reject rule=reject-dmarc-policy", node.StdOut);
        Assert.Contains("stage=data verdict=defer rule=reject-dmarc-policy", node.StdOut);
    }

    /// <summary>An MX that trusts nobody, relays dest.test to the sink and checks with the stub as its resolver.</summary>
    private Task<NodeProcess> StartNodeAsync(SmtpSink sink, DnsStubServer dns, string senderAuth = "") => NodeProcess.StartAsync(_dir.Config($$"""
        mailcluster {
          hostname = "mx.test"
          queue.defer-transports = []
          policy.mynetworks = []
          relay-domains = ["dest.test"]
          routing.transports { "dest.test" = "smtp:[127.0.0.1]:{{sink.Port}}" }
          delivery.smtp.tls = disabled
          sender-auth { enabled = on, dns.servers = ["{{dns.Endpoint}}"]{{senderAuth}} }
        }
        akka.loglevel = INFO
        """), _dir.Path);

    private static async Task<string> TrySendAsync(int port, string from, byte[]? message = null)
    {
        using var client = await RawSmtpClient.ConnectAsync(port);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example"));
        Assert.StartsWith("250", await client.CommandAsync($"MAIL FROM:<{from}>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@dest.test>"));
        return await client.DataAsync(message ?? Encoding.ASCII.GetBytes($"From: {from}\r\nTo: bob@dest.test\r\nSubject: s\r\n\r\nbody\r\n"));
    }

    private static async Task SendAsync(int port, byte[] message)
    {
        using var client = await RawSmtpClient.ConnectAsync(port);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@sender.example>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@dest.test>"));
        Assert.StartsWith("250 2.0.0", await client.DataAsync(message));
    }
}
