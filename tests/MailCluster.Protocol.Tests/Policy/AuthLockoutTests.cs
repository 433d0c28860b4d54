using System.Diagnostics;
using System.Net;
using MailCluster.Core.Auth;
using MailKit.Net.Smtp;
using MailKit.Security;
using MailCluster.Protocol.Tests.Logging;
using static MailCluster.Protocol.Tests.Policy.PolicyTestKit;

namespace MailCluster.Protocol.Tests.Policy;

/// <summary>
/// The brute-force lockout (auth.lockout) and the bound on password hashes (auth.password-checks), with real MailKit
/// clients over real sockets. The node's <see cref="PasswordCheckGate.Computed"/> count shows whether an attempt cost a hash.
/// </summary>
public sealed class AuthLockoutTests
{
    private static async Task<TestNode> StartAsync(string lockout, TextWriter? log = null)
    {
        var node = await TestNode.StartAsync(string.Join('\n', Users, SubmissionListener, lockout), log);
        await node.WarmUpRateCountersAsync("auth-ip:127.0.0.1", $"auth-login:{AliceLogin.ToLowerInvariant()}", $"auth-login:{BobLogin.ToLowerInvariant()}");
        return node;
    }

    /// <summary>One MailKit session that tries one login; null when it got in, else the server's refusal.</summary>
    private static async Task<string?> MailKitLoginAsync(TestNode node, string login, string password)
    {
        using var client = new SmtpClient();
        var endpoint = node.Host.Endpoints["submission"];
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, MailKit.Security.SecureSocketOptions.None);
        try
        {
            // One mechanism only: left to choose, MailKit tries PLAIN and then LOGIN, two failures per wrong password.
            await client.AuthenticateAsync(new SaslMechanismPlain(login, password));
            return null;
        }
        catch (Exception ex) when (ex is MailKit.Security.AuthenticationException or SmtpCommandException)
        {
            return ex.Message;
        }
        finally
        {
            if (client.IsConnected) await client.DisconnectAsync(true);
        }
    }

    /// <summary>The exact reply to AUTH PLAIN on a fresh connection.</summary>
    private static async Task<string> RawLoginAsync(TestNode node, string login, string password)
    {
        await using var client = await RawSmtpClient.ConnectAsync(node.Host.Endpoints["submission"]);
        Assert.StartsWith("250", await client.CommandAsync("EHLO mua.example\r\n"));
        return await client.CommandAsync($"AUTH PLAIN {PlainResponse(login, password)}\r\n");
    }

    [Fact]
    public async Task Failures_from_one_ip_over_parallel_connections_lock_it_out_and_then_even_the_right_password_gets_454_without_a_hash()
    {
        var log = new CapturedLog();
        await using var node = await StartAsync("mailcluster.auth.lockout { max-failures-per-ip = 6, max-failures-per-login = 0 }", log);

        // The counters are process-wide (other in-process nodes add to them): compare before and after.
        using var http = new HttpClient { BaseAddress = new Uri($"http://{node.Host.Admin!.Endpoint}") };
        var lockoutsBefore = await MetricAsync(http, "mailcluster_auth_lockouts_total", "scope=\"ip\"");
        var refusalsBefore = await MetricAsync(http, "mailcluster_auth_locked_refusals_total", "scope=\"ip\"");

        // Three parallel sessions, two wrong guesses each, for different logins: only the client IP ties them together.
        var guesses = await Task.WhenAll(new[] { AliceLogin, BobLogin, "nobody@local.test" }.Select(async login =>
            new[] { await MailKitLoginAsync(node, login, "guess-1"), await MailKitLoginAsync(node, login, "guess-2") }));
        Assert.All(guesses.SelectMany(g => g), refusal => Assert.Contains("535", refusal ?? "got in"));
        var hashesSoFar = node.Host.PasswordChecks.Computed;
        Assert.Equal(6, hashesSoFar);

        var timer = Stopwatch.StartNew();
        var refused = await MailKitLoginAsync(node, AliceLogin, AlicePassword);
        timer.Stop();
        Assert.NotNull(refused);
        Assert.Contains("too many failed attempts", refused);
        Assert.StartsWith("454 4.7.0", await RawLoginAsync(node, BobLogin, BobPassword));
        Assert.Equal(hashesSoFar, node.Host.PasswordChecks.Computed);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(2), $"a locked-out attempt took {timer.Elapsed}");
        Assert.True(await MetricAsync(http, "mailcluster_auth_lockouts_total", "scope=\"ip\"") >= lockoutsBefore + 1);
        Assert.True(await MetricAsync(http, "mailcluster_auth_locked_refusals_total", "scope=\"ip\"") >= refusalsBefore + 2);

        // One lockout line naming the client, never a password.
        var line = await log.WaitForLineAsync(TimeSpan.FromSeconds(10), "event=auth_lockout");
        Assert.Single(log.Lines, l => l.Contains("event=auth_lockout"));
        Assert.Contains("scope=ip", line);
        Assert.Contains("client_ip=127.0.0.1", line);
        Assert.Contains("failures=6", line);
        Assert.DoesNotContain("guess-", log.Text);
        Assert.DoesNotContain(AlicePassword, log.Text);
    }

    [Fact]
    public async Task Failures_for_one_login_over_several_connections_lock_that_login_only()
    {
        await using var node = await StartAsync("mailcluster.auth.lockout { max-failures-per-ip = 0, max-failures-per-login = 3 }");
        // The login compares case-insensitively, as it does for authentication.
        foreach (var login in new[] { AliceLogin, "ALICE@local.test", "Alice@Local.Test" })
            Assert.Contains("535", await MailKitLoginAsync(node, login, "wrong") ?? "got in");
        var hashesSoFar = node.Host.PasswordChecks.Computed;

        Assert.StartsWith("454 4.7.0", await RawLoginAsync(node, AliceLogin, AlicePassword));
        Assert.Contains("too many failed attempts", await MailKitLoginAsync(node, AliceLogin, AlicePassword) ?? "got in");
        Assert.Equal(hashesSoFar, node.Host.PasswordChecks.Computed);
        // Same client IP, other login: not locked.
        Assert.Null(await MailKitLoginAsync(node, BobLogin, BobPassword));
    }

    [Fact]
    public async Task After_the_lockout_the_right_password_works_again()
    {
        await using var node = await StartAsync("mailcluster.auth.lockout { max-failures-per-ip = 2, duration = 1500ms }");
        Assert.Contains("535", await MailKitLoginAsync(node, AliceLogin, "wrong") ?? "got in");
        var timer = Stopwatch.StartNew();
        Assert.Contains("535", await MailKitLoginAsync(node, AliceLogin, "wrong") ?? "got in");
        Assert.StartsWith("454 4.7.0", await RawLoginAsync(node, AliceLogin, AlicePassword));

        // Retry on fresh connections until the lockout ends; the refused attempts neither count nor extend it.
        string reply;
        while ((reply = await RawLoginAsync(node, AliceLogin, AlicePassword)).StartsWith("454 4.7.0"))
        {
            Assert.True(timer.Elapsed < TimeSpan.FromSeconds(10), "still locked out after 10 s");
            await Task.Delay(100);
        }
        Assert.StartsWith("235 2.7.0", reply);
        Assert.True(timer.Elapsed >= TimeSpan.FromMilliseconds(1400), $"lockout ended after {timer.Elapsed}");
        Assert.Null(await MailKitLoginAsync(node, AliceLogin, AlicePassword));
    }

    [Fact]
    public async Task Mynetworks_are_exempt_from_the_per_ip_count_but_not_from_the_per_login_count()
    {
        await using var node = await StartAsync("""
            mailcluster.policy.mynetworks = ["127.0.0.0/8"]
            mailcluster.auth.lockout { max-failures-per-ip = 2, max-failures-per-login = 3 }
            """);
        Assert.Contains("535", await MailKitLoginAsync(node, BobLogin, "wrong") ?? "got in");
        Assert.Contains("535", await MailKitLoginAsync(node, AliceLogin, "wrong") ?? "got in");
        Assert.Contains("535", await MailKitLoginAsync(node, AliceLogin, "wrong") ?? "got in");
        // Three failures from 127.0.0.1 did not lock the trusted client out...
        Assert.Null(await MailKitLoginAsync(node, BobLogin, BobPassword));
        // ...but the third failure for alice locks alice.
        Assert.Contains("535", await MailKitLoginAsync(node, AliceLogin, "wrong") ?? "got in");
        Assert.StartsWith("454 4.7.0", await RawLoginAsync(node, AliceLogin, AlicePassword));
    }

    [Fact]
    public async Task Attempts_waiting_for_a_password_check_slot_when_the_lockout_starts_cost_no_hash()
    {
        await using var node = await StartAsync("""
            mailcluster.auth.lockout { max-failures-per-ip = 3, max-failures-per-login = 0 }
            mailcluster.auth.password-checks { max-concurrent = 1, max-waiting = 32, max-wait = 30s }
            """);
        // Twelve sessions ready, then twelve guesses at once: all pass the first lockout check and line up for the one slot.
        var clients = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            var client = await RawSmtpClient.ConnectAsync(node.Host.Endpoints["submission"]);
            Assert.StartsWith("250", await client.CommandAsync("EHLO mua.example\r\n"));
            return client;
        }));
        try
        {
            var replies = await Task.WhenAll(clients.Select((c, i) => c.CommandAsync($"AUTH PLAIN {PlainResponse(AliceLogin, $"guess-{i}")}\r\n")));

            Assert.Equal(3, replies.Count(r => r.StartsWith("535 5.7.8")));
            Assert.Equal(9, replies.Count(r => r.StartsWith("454 4.7.0") && r.Contains("too many failed attempts")));
            Assert.Equal(3, node.Host.PasswordChecks.Computed);
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task When_every_password_check_slot_is_taken_a_further_attempt_gets_454_at_once()
    {
        // A user whose hash takes long enough (about 3 s, the most iterations allowed) for the test to find the only slot taken.
        var slowHash = PasswordHash.Create("slow password", 10_000_000);
        await using var node = await TestNode.StartAsync(string.Join('\n', Users, SubmissionListener, $$"""
            mailcluster.auth.users."slow@local.test" { password-hash = "{{slowHash}}" }
            mailcluster.auth.password-checks { max-concurrent = 1, max-waiting = 0 }
            mailcluster.auth.lockout { max-failures-per-ip = 0, max-failures-per-login = 0 }
            mailcluster.policy.timeout = 120s
            """));
        await using var slow = await RawSmtpClient.ConnectAsync(node.Host.Endpoints["submission"]);
        await slow.CommandAsync("EHLO mua.example\r\n");
        // The slow hash takes about 3 s alone but several times that on a loaded CI machine, so its reply gets a long timeout.
        await slow.SendAsync($"AUTH PLAIN {PlainResponse("slow@local.test", "slow password")}\r\n");
        var slowReply = slow.ReadReplyAsync(TimeSpan.FromSeconds(120));
        await WaitUntilAsync(() => node.Host.PasswordChecks.Computed == 1);

        var busy = await RawLoginAsync(node, AliceLogin, AlicePassword);

        Assert.True(busy.StartsWith("454 4.7.0"), $"{busy}; the slow check {(slowReply.IsCompleted ? "had finished" : "still ran")}");
        Assert.Contains("busy", busy);
        Assert.False(slowReply.IsCompleted, "the busy refusal should come while the slow check still runs");
        Assert.StartsWith("235 2.7.0", await slowReply);
        Assert.Equal(1, node.Host.PasswordChecks.Computed);
        // The slot is free again.
        Assert.StartsWith("235 2.7.0", await RawLoginAsync(node, AliceLogin, AlicePassword));
    }

    private static async Task<double> MetricAsync(HttpClient http, string name, string labels) =>
        Metrics.PrometheusText.Value(Metrics.PrometheusText.Parse(await http.GetStringAsync("/metrics")), name, labels) ?? 0;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 10 s");
            await Task.Delay(10);
        }
    }
}
