using MailCluster.TestSupport;

namespace MailCluster.Cli.Tests;

/// <summary>mailctl policy test --message: the node's end-of-DATA checks for a message file, DNS from the loopback stub.</summary>
public sealed class PolicyTestMessageTests : IAsyncLifetime
{
    private readonly Cli _cli = new();
    private readonly DnsStubServer _dns = DnsStubServer.Start();
    private string _config = "";
    private string _message = "";

    public Task InitializeAsync()
    {
        _dns.AddTxt("bank.example", "v=spf1 ip4:192.0.2.1 -all");
        _dns.AddTxt("_dmarc.bank.example", "v=DMARC1; p=reject");
        _config = _cli.Write($$"""
            mailcluster {
              hostname = "mx.test"
              local-domains = ["local.test"]
              policy.mynetworks = ["203.0.113.0/24"]
              sender-auth.dns.servers = ["{{_dns.Endpoint}}"]
            }
            """);
        // Saved with bare LF, as a file usually is; checked as SMTP would carry it.
        _message = _cli.Write("From: CEO <ceo@bank.example>\nTo: alice@local.test\nSubject: wire transfer\n\nPlease pay.\n", "message.eml");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _dns.DisposeAsync();
        _cli.Dispose();
    }

    private Task<Cli.Outcome> TestAsync(string ip) => Cli.RunAsync("policy", "test", "--config", _config, "--ip", ip, "--helo", "mail.evil.test",
        "--from", "ceo@bank.example", "--to", "alice@local.test", "--message", _message);

    [Fact]
    public async Task A_spoofed_message_from_outside_shows_each_result_and_the_rule_that_refuses_it()
    {
        var run = await TestAsync("198.51.100.7");

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains("data  spf=fail smtp.mailfrom=bank.example", run.Out);
        Assert.Contains("data  spf=none smtp.helo=mail.evil.test", run.Out);
        Assert.Contains("data  dkim=none", run.Out);
        Assert.Contains("data  dmarc=fail header.from=bank.example p=reject dis=reject", run.Out);
        Assert.Contains("data  -> reject 550 5.7.1 ", run.Out);
        Assert.Contains("(rule reject-dmarc-policy)", run.Out);
    }

    [Fact]
    public async Task A_client_in_mynetworks_is_not_checked()
    {
        var run = await TestAsync("203.0.113.9");

        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("data  not checked: the client is ours", run.Out);
        Assert.Empty(_dns.Queries);
    }
}
