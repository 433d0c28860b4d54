using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using static MailCluster.Protocol.Tests.Policy.PolicyTestKit;

namespace MailCluster.Protocol.Tests.Policy;

/// <summary>SMTP AUTH and the MAIL FROM rules, byte-exact with <see cref="RawSmtpClient"/>.</summary>
public sealed class AuthPolicyTests(SubmissionNodeFixture fixture) : IClassFixture<SubmissionNodeFixture>
{
    private TestNode Node => fixture.Node;

    private async Task<RawSmtpClient> SubmissionAsync()
    {
        var client = await RawSmtpClient.ConnectAsync(Node.Host.Endpoints["submission"]);
        Assert.StartsWith("250", await client.CommandAsync("EHLO mua.example\r\n"));
        return client;
    }

    [Fact]
    public async Task Wrong_password_gets_535_with_plain_and_login_and_the_session_stays_unauthenticated()
    {
        await using var client = await SubmissionAsync();
        Assert.StartsWith("535 5.7.8", await client.CommandAsync($"AUTH PLAIN {PlainResponse(AliceLogin, "wrong")}\r\n"));
        Assert.StartsWith("535 5.7.8", await client.CommandAsync($"AUTH PLAIN {PlainResponse("nobody@local.test", AlicePassword)}\r\n"));

        Assert.StartsWith("334 VXNlcm5hbWU6", await client.CommandAsync("AUTH LOGIN\r\n"));
        Assert.StartsWith("334 UGFzc3dvcmQ6", await client.CommandAsync(B64(BobLogin) + "\r\n"));
        Assert.StartsWith("535 5.7.8", await client.CommandAsync(B64(AlicePassword) + "\r\n"));

        Assert.StartsWith("530 5.7.0", await client.CommandAsync("MAIL FROM:<alice@local.test>\r\n"));
        // And a correct login still works afterwards.
        Assert.StartsWith("235 2.7.0", await client.CommandAsync($"AUTH PLAIN {PlainResponse(AliceLogin, AlicePassword)}\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<alice@local.test>\r\n"));
    }

    [Fact]
    public async Task Login_mechanism_with_initial_response_and_a_case_different_login()
    {
        await using var client = await SubmissionAsync();
        Assert.StartsWith("334", await client.CommandAsync($"AUTH LOGIN {B64("ALICE@Local.Test")}\r\n"));
        Assert.StartsWith("235 2.7.0", await client.CommandAsync(B64(AlicePassword) + "\r\n"));
        Assert.StartsWith("503", await client.CommandAsync($"AUTH PLAIN {PlainResponse(AliceLogin, AlicePassword)}\r\n"));
    }

    [Fact]
    public async Task Mail_before_auth_on_submission_gets_530()
    {
        await using var client = await SubmissionAsync();
        Assert.StartsWith("530 5.7.0", await client.CommandAsync("MAIL FROM:<someone@example.net>\r\n"));
        Assert.StartsWith("530 5.7.0", await client.CommandAsync("MAIL FROM:<>\r\n"));
        Assert.StartsWith("503", await client.CommandAsync("RCPT TO:<alice@local.test>\r\n"));
    }

    [Fact]
    public async Task Enforce_sender_login_refuses_someone_elses_address()
    {
        await using var client = await SubmissionAsync();
        Assert.StartsWith("235", await client.CommandAsync($"AUTH PLAIN {PlainResponse(BobLogin, BobPassword)}\r\n"));
        Assert.StartsWith("553 5.7.1", await client.CommandAsync("MAIL FROM:<alice@local.test>\r\n"));
        Assert.StartsWith("553 5.7.1", await client.CommandAsync("MAIL FROM:<bob@foreign.example>\r\n"));
        Assert.StartsWith("553 5.7.1", await client.CommandAsync("MAIL FROM:<bob@local.test.foreign.example>\r\n"));
        // Own address, whatever the case of the domain; and the null sender (bounces) is fine.
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<bob@LOCAL.TEST>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RSET\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<>\r\n"));
    }

    [Fact]
    public async Task Login_that_is_an_address_may_send_as_itself_only()
    {
        await using var client = await SubmissionAsync();
        Assert.StartsWith("235", await client.CommandAsync($"AUTH PLAIN {PlainResponse(AliceLogin, AlicePassword)}\r\n"));
        Assert.StartsWith("553 5.7.1", await client.CommandAsync("MAIL FROM:<bob@local.test>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<alice@local.test>\r\n"));
    }

    [Fact]
    public async Task Unauthenticated_local_sender_spoofing_on_mx_gets_553()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        await client.CommandAsync("EHLO spoofer.example\r\n");
        Assert.StartsWith("553 5.7.1", await client.CommandAsync("MAIL FROM:<alice@local.test>\r\n"));
        Assert.StartsWith("553 5.7.1", await client.CommandAsync("MAIL FROM:<Alice@LOCAL.TEST.>\r\n"));
        Assert.StartsWith("553 5.7.1", await client.CommandAsync("MAIL FROM:<anyone@localhost>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<someone@example.net>\r\n"));
    }

    [Fact]
    public async Task Authenticated_client_on_mx_may_use_a_local_sender()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        await client.CommandAsync("EHLO mua.example\r\n");
        Assert.StartsWith("235", await client.CommandAsync($"AUTH PLAIN {PlainResponse(AliceLogin, AlicePassword)}\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<alice@local.test>\r\n"));
    }

    [Fact]
    public async Task Auth_is_not_offered_before_tls_unless_plaintext_is_allowed_and_is_refused_with_538()
    {
        await using var node = await TestNode.StartAsync(Users);
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        var ehlo = await client.CommandAsync("EHLO mua.example\r\n");
        Assert.Contains("STARTTLS", ehlo);
        Assert.DoesNotContain("AUTH", ehlo);
        Assert.StartsWith("538 5.7.11", await client.CommandAsync($"AUTH PLAIN {PlainResponse(AliceLogin, AlicePassword)}\r\n"));
        Assert.StartsWith("538 5.7.11", await client.CommandAsync("AUTH LOGIN\r\n"));

        Assert.StartsWith("220", await client.CommandAsync("STARTTLS\r\n"));
        await client.StartTlsAsync();
        var secured = await client.CommandAsync("EHLO mua.example\r\n");
        Assert.Contains("AUTH PLAIN LOGIN", secured);
        Assert.StartsWith("235 2.7.0", await client.CommandAsync($"AUTH PLAIN {PlainResponse(AliceLogin, AlicePassword)}\r\n"));
    }

    [Fact]
    public async Task Auth_off_on_a_listener_is_never_offered()
    {
        await using var node = await TestNode.StartAsync(Users + "\nmailcluster.smtp.listeners.mx.auth = off");
        await using var client = await RawSmtpClient.ConnectAsync(node.Endpoint);
        await client.CommandAsync("EHLO mua.example\r\n");
        await client.CommandAsync("STARTTLS\r\n");
        await client.StartTlsAsync();
        Assert.DoesNotContain("AUTH", await client.CommandAsync("EHLO mua.example\r\n"));
        Assert.StartsWith("503 5.5.1", await client.CommandAsync($"AUTH PLAIN {PlainResponse(AliceLogin, AlicePassword)}\r\n"));
    }

    [Fact]
    public async Task Failed_auth_is_tarpitted_after_the_soft_error_limit()
    {
        // soft-error-limit must be > 0 (config validation), so the first failure is free and the second is delayed.
        // No lockout here: its counters' first use (sharding cold start) would slow the first, undelayed, failure.
        await using var node = await TestNode.StartAsync(string.Join('\n', Users, SubmissionListener, """
            mailcluster.smtp.limits { error-delay = 400ms, soft-error-limit = 1 }
            mailcluster.auth.lockout { max-failures-per-ip = 0, max-failures-per-login = 0 }
            """));
        await using var client = await RawSmtpClient.ConnectAsync(node.Host.Endpoints["submission"]);
        await client.CommandAsync("EHLO guesser.example\r\n");
        var wrong = $"AUTH PLAIN {PlainResponse(AliceLogin, "guess")}\r\n";

        var first = Stopwatch.StartNew();
        Assert.StartsWith("535 5.7.8", await client.CommandAsync(wrong));
        first.Stop();
        var second = Stopwatch.StartNew();
        Assert.StartsWith("535 5.7.8", await client.CommandAsync(wrong));
        second.Stop();
        var third = Stopwatch.StartNew();
        Assert.StartsWith("535 5.7.8", await client.CommandAsync(wrong));
        third.Stop();

        Assert.True(second.Elapsed >= TimeSpan.FromMilliseconds(390), $"second failure answered after {second.Elapsed}");
        Assert.True(third.Elapsed >= TimeSpan.FromMilliseconds(390), $"third failure answered after {third.Elapsed}");
        Assert.True(first.Elapsed < second.Elapsed, $"first {first.Elapsed}, second {second.Elapsed}");
    }

    [Fact]
    public async Task Repeated_auth_failures_reach_the_hard_limit_and_are_disconnected()
    {
        await using var node = await TestNode.StartAsync(string.Join('\n', Users, SubmissionListener, """
            mailcluster.smtp.limits { soft-error-limit = 1, hard-error-limit = 3 }
            """));
        await using var client = await RawSmtpClient.ConnectAsync(node.Host.Endpoints["submission"]);
        await client.CommandAsync("EHLO guesser.example\r\n");
        var wrong = $"AUTH PLAIN {PlainResponse(AliceLogin, "guess")}\r\n";
        Assert.StartsWith("535", await client.CommandAsync(wrong));
        Assert.StartsWith("535", await client.CommandAsync(wrong));
        // The third error reaches hard-error-limit: its own reply, then 421 and the connection is closed.
        Assert.StartsWith("535", await client.CommandAsync(wrong));
        Assert.StartsWith("421 4.7.0", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task The_password_never_appears_in_the_log()
    {
        await using var node = await TestNode.StartAsync(string.Join('\n', Users, SubmissionListener, "akka.loglevel = DEBUG"));
        var lines = new ConcurrentQueue<string>();
        var collector = node.Host.System.ActorOf(Props.Create(() => new LogCollector(lines)));
        node.Host.System.EventStream.Subscribe(collector, typeof(LogEvent));

        const string secretWrong = "Wr0ng-S3cret-Guess";
        await using (var client = await RawSmtpClient.ConnectAsync(node.Host.Endpoints["submission"]))
        {
            await client.CommandAsync("EHLO mua.example\r\n");
            Assert.StartsWith("535", await client.CommandAsync($"AUTH PLAIN {PlainResponse(AliceLogin, secretWrong)}\r\n"));
            Assert.StartsWith("334", await client.CommandAsync("AUTH LOGIN\r\n"));
            await client.CommandAsync(B64(BobLogin) + "\r\n");
            Assert.StartsWith("535", await client.CommandAsync(B64(secretWrong) + "\r\n"));
            Assert.StartsWith("235", await client.CommandAsync($"AUTH PLAIN {PlainResponse(AliceLogin, AlicePassword)}\r\n"));
            Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<alice@local.test>\r\n"));
            await client.CommandAsync("QUIT\r\n");
        }
        // Wait until the session's own log lines (auth, policy decision) have arrived.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!lines.Any(l => l.Contains("policy MAIL")) && DateTime.UtcNow < deadline) await Task.Delay(20);

        Assert.Contains(lines, l => l.Contains("login=" + AliceLogin));
        Assert.Contains(lines, l => l.Contains("policy MAIL"));
        foreach (var secret in new[] { AlicePassword, secretWrong, B64(secretWrong), PlainResponse(AliceLogin, secretWrong), PlainResponse(AliceLogin, AlicePassword) })
            Assert.DoesNotContain(lines, l => l.Contains(secret));
    }

    private sealed class LogCollector : ReceiveActor
    {
        public LogCollector(ConcurrentQueue<string> lines) => Receive<LogEvent>(e => lines.Enqueue(e.ToString()));
    }
}
