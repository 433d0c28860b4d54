using System.Net;
using System.Text.Json;
using MailCluster.Core.Auth;
using MailCluster.TestSupport;

namespace MailCluster.Cli.Tests;

public sealed class PolicyTestCommandTests : IDisposable
{
    private const string Password = "carol's password";
    private static readonly Lazy<string> CarolHash = new(() => PasswordHash.Create(Password, PasswordHash.MinimumIterations));

    private readonly Cli _cli = new();
    private readonly string _config;

    public PolicyTestCommandTests()
    {
        _config = _cli.Write($$"""
            mailcluster {
              hostname = "mx.test"
              local-domains = ["local.test", "localhost"]
              relay-domains = ["relay.test"]
              policy.mynetworks = ["192.0.2.0/24"]
              local-recipients.mailboxes = ["alice@local.test", "bob@local.test"]
              auth.users {
                "carol@local.test" { password-hash = "{{CarolHash.Value}}", addresses = ["carol@local.test"] }
              }
              smtp.listeners.submission {
                endpoint = "127.0.0.1:587"
                policy { require-auth = on, enforce-sender-login = on }
              }
            }
            """);
    }

    public void Dispose() => _cli.Dispose();

    private Task<Cli.Outcome> TestAsync(params string[] args) => Cli.RunAsync(["policy", "test", "--config", _config, .. args]);

    [Fact]
    public async Task Local_recipients_from_an_untrusted_client_are_permitted_with_exit_0()
    {
        var result = await TestAsync("--ip", "198.51.100.7", "--helo", "peer.example", "--from", "someone@example.net",
            "--to", "alice@local.test", "--to", "<x@relay.test>", "--to", "postmaster");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal(
        [
            "MAIL FROM <someone@example.net>: permit [rule sender-ok]",
            "RCPT TO <alice@local.test>: permit [rule end-of-list]",
            "RCPT TO <x@relay.test>: permit [rule end-of-list]",
            "RCPT TO <postmaster>: permit [rule postmaster]",
        ], result.Lines);
    }

    [Fact]
    public async Task Any_refusal_gives_exit_1_and_names_the_rule()
    {
        var result = await TestAsync("--ip", "198.51.100.7", "--helo", "peer.example", "--from", "someone@example.net",
            "--to", "alice@local.test", "--to", "victim%foreign.example@local.test", "--to", "nobody@local.test", "--to", "v@[127.0.0.1]");
        Assert.True(result.Exit == 1, result.ToString());
        Assert.Equal(
        [
            "MAIL FROM <someone@example.net>: permit [rule sender-ok]",
            "RCPT TO <alice@local.test>: permit [rule end-of-list]",
            "RCPT TO <victim%foreign.example@local.test>: reject 554 5.7.1 Relay access denied [rule reject-unauth-destination]",
            "RCPT TO <nobody@local.test>: reject 550 5.1.1 Recipient address rejected: User unknown in local recipient table [rule reject-unknown-local-recipient]",
            "RCPT TO <v@[127.0.0.1]>: reject 554 5.7.1 Relay access denied [rule reject-unauth-destination]",
        ], result.Lines);
    }

    [Fact]
    public async Task A_refused_sender_stops_before_the_recipients()
    {
        var result = await TestAsync("--ip", "198.51.100.7", "--helo", "peer.example", "--from", "alice@local.test", "--to", "bob@local.test");
        Assert.Equal(1, result.Exit);
        Assert.Equal(["MAIL FROM <alice@local.test>: reject 553 5.7.1 Sender address rejected: local domain used by an unauthenticated client; authenticate first [rule reject-unauthenticated-local-sender]"],
            result.Lines);
    }

    [Fact]
    public async Task Trusted_networks_and_authenticated_users_relay()
    {
        var trusted = await TestAsync("--ip", "192.0.2.9", "--helo", "lan.example", "--from", "alice@local.test", "--to", "friend@foreign.example");
        Assert.True(trusted.Exit == 0, trusted.ToString());
        Assert.Equal("RCPT TO <friend@foreign.example>: permit [rule permit-mynetworks]", trusted.Lines[1]);

        var authed = await TestAsync("--ip", "2001:db8::7", "--helo", "mua.example", "--auth", "carol@local.test",
            "--from", "carol@local.test", "--to", "friend@foreign.example");
        Assert.True(authed.Exit == 0, authed.ToString());
        Assert.Equal("RCPT TO <friend@foreign.example>: permit [rule permit-sasl-authenticated]", authed.Lines[1]);
    }

    [Fact]
    public async Task The_submission_listener_applies_its_own_policy()
    {
        var anonymous = await TestAsync("--listener", "submission", "--ip", "192.0.2.9", "--helo", "mua.example",
            "--from", "carol@local.test", "--to", "alice@local.test");
        Assert.Equal(1, anonymous.Exit);
        Assert.Equal(["MAIL FROM <carol@local.test>: reject 530 5.7.0 Authentication required [rule require-auth]"], anonymous.Lines);

        var wrongSender = await TestAsync("--listener=submission", "--ip=198.51.100.7", "--helo=mua.example", "--auth=CAROL@local.test",
            "--from=alice@local.test", "--to=friend@foreign.example");
        Assert.Equal(1, wrongSender.Exit);
        Assert.Contains("reject 553 5.7.1", wrongSender.Lines.Single());
        Assert.Contains("[rule reject-sender-login-mismatch]", wrongSender.Lines.Single());
    }

    [Fact]
    public async Task Json_output_has_one_result_per_command()
    {
        var result = await TestAsync("--json", "--ip", "198.51.100.7", "--helo", "peer.example", "--from", "<>",
            "--to", "alice@local.test", "--to", "victim@foreign.example");
        Assert.Equal(1, result.Exit);
        using var doc = JsonDocument.Parse(result.Out);
        var root = doc.RootElement;
        Assert.Equal("mx", root.GetProperty("listener").GetString());
        Assert.Equal("198.51.100.7", root.GetProperty("client").GetString());
        Assert.False(root.GetProperty("permitted").GetBoolean());
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.Equal("MAIL FROM", results[0].GetProperty("stage").GetString());
        Assert.Equal("<>", results[0].GetProperty("address").GetString());
        Assert.Equal("null-sender", results[0].GetProperty("rule").GetString());
        Assert.Equal("permit", results[1].GetProperty("verdict").GetString());
        Assert.Equal(JsonValueKind.Null, results[1].GetProperty("code").ValueKind);
        Assert.Equal("reject", results[2].GetProperty("verdict").GetString());
        Assert.Equal(554, results[2].GetProperty("code").GetInt32());
        Assert.Equal("5.7.1", results[2].GetProperty("enhanced").GetString());
        Assert.Equal("reject-unauth-destination", results[2].GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Address_syntax_errors_are_reported_like_the_session_would()
    {
        var result = await TestAsync("--ip", "198.51.100.7", "--helo", "peer.example", "--from", "someone@example.net", "--to", "no-domain");
        Assert.Equal(1, result.Exit);
        Assert.StartsWith("RCPT TO <no-domain>: reject 501 5.5.4", result.Lines[1]);
    }

    public static TheoryData<string[]> UsageErrors => new()
    {
        new[] { "--helo", "h", "--from", "a@b.example", "--to", "c@local.test" },                      // no --ip
        new[] { "--ip", "10.1", "--helo", "h", "--from", "a@b.example", "--to", "c@local.test" },        // not an address
        new[] { "--ip", "192.0.2.1", "--helo", "h", "--from", "a@b.example" },                           // no --to
        new[] { "--ip", "192.0.2.1", "--from", "a@b.example", "--to", "c@local.test" },                  // no --helo
        new[] { "--ip", "192.0.2.1", "--helo", "h", "--from", "a@b.example", "--to", "c@local.test", "--listner", "mx" },
        new[] { "--ip", "192.0.2.1", "--helo", "h", "--from", "a@b.example", "--to", "c@local.test", "--listener", "smtps" },
        new[] { "--ip", "192.0.2.1", "--helo", "h", "--from", "a@b.example", "--to", "c@local.test", "--auth", "mallory" },
        new[] { "--ip", "192.0.2.1", "--helo", "h", "--from", "a@b.example", "--to", "c@local.test", "stray" },
        new[] { "--ip", "192.0.2.1", "--ip", "192.0.2.2", "--helo", "h", "--from", "a@b.example", "--to", "c@local.test" },
        new[] { "--ip", "192.0.2.1", "--helo", "h", "--from", "a@b.example", "--to" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task Bad_command_lines_exit_2_with_the_usage(string[] args)
    {
        var result = await TestAsync(args);
        Assert.True(result.Exit == 2, result.ToString());
        Assert.Contains("usage: mailctl", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Unknown_commands_and_no_command_exit_2()
    {
        Assert.Equal(2, (await Cli.RunAsync()).Exit);
        Assert.Equal(2, (await Cli.RunAsync("policy", "explain")).Exit);
        Assert.Equal(2, (await Cli.RunAsync("frobnicate")).Exit);
        var help = await Cli.RunAsync("--help");
        Assert.Equal(0, help.Exit);
        Assert.Contains("mailctl policy test", help.Out);
    }

    [Fact]
    public async Task Config_errors_exit_78_naming_the_hocon_path()
    {
        var bad = _cli.Write("""
            mailcluster {
              local-domains = ["local.test"]
              policy.recipient-restrictions = [permit-mynetworks, permit-everyone, reject-unauth-destination]
            }
            """, "bad.conf");
        var result = await Cli.RunAsync("policy", "test", "--config", bad, "--ip", "192.0.2.1", "--helo", "h", "--from", "a@b.example", "--to", "c@local.test");
        Assert.True(result.Exit == 78, result.ToString());
        Assert.Contains("error: mailcluster.policy.recipient-restrictions: unknown rule 'permit-everyone'", result.Error);
        Assert.Equal("", result.Out);

        var missing = await Cli.RunAsync("policy", "test", "--config", Path.Combine(_cli.Dir, "missing.conf"), "--ip", "192.0.2.1", "--helo", "h", "--from", "a@b.example", "--to", "c@local.test");
        Assert.Equal(78, missing.Exit);
    }

    [Fact]
    public async Task Environment_substitutions_are_applied_as_the_node_applies_them()
    {
        Environment.SetEnvironmentVariable("MAILCTL_TEST_RELAY", "env-relay.test");
        try
        {
            var file = _cli.Write("mailcluster { local-domains = [\"local.test\"], relay-domains = [${?MAILCTL_TEST_RELAY}] }", "env.conf");
            var result = await Cli.RunAsync("policy", "test", "--config", file, "--ip", "198.51.100.7", "--helo", "h",
                "--from", "a@b.example", "--to", "x@env-relay.test");
            Assert.True(result.Exit == 0, result.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("MAILCTL_TEST_RELAY", null);
        }
    }
}

/// <summary>reject-rbl-client with real lookups against a DNS stub on loopback, as the node would make them.</summary>
public sealed class PolicyTestDnsblTests : IAsyncLifetime
{
    private readonly Cli _cli = new();
    private readonly DnsStubServer _stub = DnsStubServer.Start();
    private string _config = "";

    public Task InitializeAsync()
    {
        _config = _cli.Write($$"""
            mailcluster {
              local-domains = ["local.test"]
              policy.mynetworks = ["192.0.2.0/24"]
              policy.dnsbl { zones = ["bl.test"], servers = ["{{_stub.Endpoint}}"], timeout = 2s, attempts = 1 }
            }
            """);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stub.DisposeAsync();
        _cli.Dispose();
    }

    private Task<Cli.Outcome> ProbeAsync(string ip, params string[] extra) =>
        Cli.RunAsync(["policy", "test", "--config", _config, "--ip", ip, "--helo", "h.example", "--from", "a@b.example", .. extra]);

    [Fact]
    public async Task A_listed_client_is_rejected_naming_the_zone()
    {
        _stub.AddA("7.100.51.198.bl.test", IPAddress.Parse("127.0.0.2"));
        var result = await ProbeAsync("198.51.100.7", "--to", "alice@local.test", "--to", "postmaster@local.test");
        Assert.True(result.Exit == 1, result.ToString());
        Assert.Equal("RCPT TO <alice@local.test>: reject 554 5.7.1 Service unavailable; client [198.51.100.7] blocked using bl.test [rule reject-rbl-client:bl.test]",
            result.Lines[1]);
        Assert.Equal("RCPT TO <postmaster@local.test>: permit [rule postmaster]", result.Lines[2]);
        Assert.Contains(_stub.Queries, q => q.Name == "7.100.51.198.bl.test");
        Assert.Contains("lists [198.51.100.7]", result.Error);
    }

    [Fact]
    public async Task Json_reports_the_dnsbl_answer()
    {
        _stub.AddA("7.100.51.198.bl.test", IPAddress.Parse("127.0.0.4"));
        var result = await ProbeAsync("198.51.100.7", "--json", "--to", "alice@local.test");
        using var doc = JsonDocument.Parse(result.Out);
        var dnsbl = doc.RootElement.GetProperty("dnsbl");
        Assert.Equal("listed", dnsbl.GetProperty("result").GetString());
        Assert.Equal("bl.test", dnsbl.GetProperty("zone").GetString());
        Assert.Equal("127.0.0.4", dnsbl.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_failing_list_defers()
    {
        _stub.ServFail("7.100.51.198.bl.test");
        var result = await ProbeAsync("198.51.100.7", "--to", "alice@local.test");
        Assert.Equal(1, result.Exit);
        Assert.StartsWith("RCPT TO <alice@local.test>: defer 451 4.7.1", result.Lines[1]);
    }

    [Fact]
    public async Task An_unanswered_list_defers()
    {
        _stub.Drop("7.100.51.198.bl.test");
        var result = await ProbeAsync("198.51.100.7", "--to", "alice@local.test");
        Assert.Equal(1, result.Exit);
        Assert.StartsWith("RCPT TO <alice@local.test>: defer 451 4.7.1", result.Lines[1]);
    }

    [Fact]
    public async Task A_clean_client_is_permitted()
    {
        var result = await ProbeAsync("198.51.100.7", "--to", "alice@local.test");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal(1, _stub.QueriesReceived);
        Assert.Contains("not listed", result.Error);
    }

    [Fact]
    public async Task No_dnsbl_skips_the_lookup_and_says_so()
    {
        _stub.AddA("7.100.51.198.bl.test", IPAddress.Parse("127.0.0.2"));
        var result = await ProbeAsync("198.51.100.7", "--no-dnsbl", "--to", "alice@local.test");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal(0, _stub.QueriesReceived);
        Assert.Contains("--no-dnsbl", result.Error);
    }

    [Fact]
    public async Task No_lookup_when_no_verdict_depends_on_it()
    {
        _stub.AddA("7.100.51.198.bl.test", IPAddress.Parse("127.0.0.2"));
        var relay = await ProbeAsync("198.51.100.7", "--to", "victim@foreign.example");
        Assert.Contains("Relay access denied", relay.Out);
        var trusted = await ProbeAsync("192.0.2.1", "--to", "alice@local.test");
        Assert.Equal(0, trusted.Exit);
        Assert.Equal(0, _stub.QueriesReceived);
    }

    [Fact]
    public async Task Ipv6_clients_are_looked_up_by_nibbles()
    {
        var result = await ProbeAsync("2001:db8::1", "--to", "alice@local.test");
        Assert.Equal(0, result.Exit);
        var query = Assert.Single(_stub.Queries);
        Assert.Equal("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test", query.Name);
    }
}
