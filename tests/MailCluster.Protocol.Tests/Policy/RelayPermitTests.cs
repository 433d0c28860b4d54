using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using System.Net;

namespace MailCluster.Protocol.Tests.Policy;

/// <summary>An MX (mx, untrusted loopback) and a submission listener, with users and a relay domain.</summary>
public sealed class SubmissionNodeFixture : IAsyncLifetime
{
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await TestNode.StartAsync(
        string.Join('\n', PolicyTestKit.RelayDomain, PolicyTestKit.Users, PolicyTestKit.SubmissionListener,
            "mailcluster.smtp.listeners.mx.auth-allow-plaintext = on"));

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

/// <summary>What is allowed through, with a real client (MailKit): local and relay domains, trusted networks, AUTH.</summary>
public sealed class RelayPermitTests(SubmissionNodeFixture fixture) : IClassFixture<SubmissionNodeFixture>
{
    private TestNode Node => fixture.Node;
    private IPEndPoint Mx => Node.Host.Endpoints["mx"];
    private IPEndPoint Submission => Node.Host.Endpoints["submission"];

    private static MimeMessage Message(string from, params string[] to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var r in to) message.To.Add(MailboxAddress.Parse(r));
        message.Subject = "policy";
        message.Body = new TextPart("plain") { Text = "Hello.\n" };
        return message;
    }

    private static async Task<SmtpClient> ConnectAsync(IPEndPoint endpoint, SecureSocketOptions security = SecureSocketOptions.None)
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, security);
        return client;
    }

    private async Task AssertStoredAsync(string response, string sender, params string[] recipients)
    {
        var stored = await PolicyTestKit.StoredAsync(Node, PolicyTestKit.QueueIdOf(response));
        Assert.Equal(sender, stored.Sender);
        Assert.Equal(recipients, stored.Recipients);
    }

    [Fact]
    public async Task Mx_accepts_local_and_relay_domains_from_anyone()
    {
        using var client = await ConnectAsync(Mx);
        var response = await client.SendAsync(Message("someone@example.net", "alice@local.test", "x@relay.test", "y@localhost"));
        await client.DisconnectAsync(true);
        await AssertStoredAsync(response, "someone@example.net", "alice@local.test", "x@relay.test", "y@localhost");
    }

    [Fact]
    public async Task Mx_refuses_a_foreign_recipient_from_an_unauthenticated_client()
    {
        using var client = await ConnectAsync(Mx);
        var ex = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Message("someone@example.net", "victim@foreign.example")));
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, ex.ErrorCode);
        Assert.Equal((SmtpStatusCode)554, ex.StatusCode);
        Assert.Contains("Relay access denied", ex.Message);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task Mx_relays_for_an_authenticated_user(string mechanism)
    {
        using var client = await ConnectAsync(Mx);
        Assert.Contains(mechanism, client.AuthenticationMechanisms);
        await client.AuthenticateAsync(Sasl(mechanism, PolicyTestKit.AliceLogin, PolicyTestKit.AlicePassword));
        var response = await client.SendAsync(Message("alice@local.test", "friend@foreign.example"));
        await client.DisconnectAsync(true);
        await AssertStoredAsync(response, "alice@local.test", "friend@foreign.example");
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task Submission_accepts_every_destination_after_auth(string mechanism)
    {
        using var client = await ConnectAsync(Submission);
        await client.AuthenticateAsync(Sasl(mechanism, PolicyTestKit.BobLogin, PolicyTestKit.BobPassword));
        var response = await client.SendAsync(Message("bob@local.test", "friend@foreign.example", "alice@local.test", "z@relay.test"));
        await client.DisconnectAsync(true);
        await AssertStoredAsync(response, "bob@local.test", "friend@foreign.example", "alice@local.test", "z@relay.test");
    }

    [Fact]
    public async Task Submission_refuses_even_local_mail_without_auth()
    {
        using var client = await ConnectAsync(Submission);
        // MailKit maps 530 on MAIL FROM to ServiceNotAuthenticatedException.
        var ex = await Assert.ThrowsAsync<ServiceNotAuthenticatedException>(() => client.SendAsync(Message("someone@example.net", "alice@local.test")));
        Assert.Contains("5.7.0", ex.Message);
    }

    [Fact]
    public async Task Auth_over_starttls_works_where_plaintext_auth_is_not_allowed()
    {
        // A node whose mx listener has the default auth-allow-plaintext = off.
        await using var node = await TestNode.StartAsync(PolicyTestKit.Users);
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(node.Endpoint.Address.ToString(), node.Endpoint.Port, SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        Assert.Contains("PLAIN", client.AuthenticationMechanisms);
        Assert.Contains("LOGIN", client.AuthenticationMechanisms);
        await client.AuthenticateAsync(new SaslMechanismPlain(PolicyTestKit.AliceLogin, PolicyTestKit.AlicePassword));
        var response = await client.SendAsync(Message("alice@local.test", "friend@foreign.example"));
        await client.DisconnectAsync(true);
        var stored = await PolicyTestKit.StoredAsync(node, PolicyTestKit.QueueIdOf(response));
        Assert.Equal(["friend@foreign.example"], stored.Recipients);
    }

    [Fact]
    public async Task Auth_login_over_starttls_on_the_submission_listener()
    {
        await using var node = await TestNode.StartAsync(string.Join('\n', PolicyTestKit.Users, """
            mailcluster.smtp.listeners.submission {
              endpoint = "127.0.0.1:0"
              policy { require-auth = on, enforce-sender-login = on }
            }
            """));
        var endpoint = node.Host.Endpoints["submission"];
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(new SaslMechanismLogin(PolicyTestKit.BobLogin, PolicyTestKit.BobPassword));
        var response = await client.SendAsync(Message("bob@local.test", "friend@foreign.example"));
        await client.DisconnectAsync(true);
        var stored = await PolicyTestKit.StoredAsync(node, PolicyTestKit.QueueIdOf(response));
        Assert.Equal("bob@local.test", stored.Sender);
    }

    [Fact]
    public async Task A_trusted_network_relays_anywhere_on_mx_and_may_use_local_senders()
    {
        await using var node = await TestNode.StartAsync("mailcluster.policy.mynetworks = [\"127.0.0.0/8\"]");
        using var client = new SmtpClient();
        await client.ConnectAsync(node.Endpoint.Address.ToString(), node.Endpoint.Port, SecureSocketOptions.None);
        var response = await client.SendAsync(Message("alice@local.test", "friend@foreign.example", "other@[192.0.2.1]", "bob@local.test"));
        await client.DisconnectAsync(true);
        var stored = await PolicyTestKit.StoredAsync(node, PolicyTestKit.QueueIdOf(response));
        Assert.Equal("alice@local.test", stored.Sender);
        Assert.Equal(["friend@foreign.example", "other@[192.0.2.1]", "bob@local.test"], stored.Recipients);
    }

    [Fact]
    public async Task A_trusted_network_still_needs_auth_on_submission()
    {
        await using var node = await TestNode.StartAsync(string.Join('\n', "mailcluster.policy.mynetworks = [\"127.0.0.0/8\"]",
            PolicyTestKit.Users, PolicyTestKit.SubmissionListener));
        await using var raw = await RawSmtpClient.ConnectAsync(node.Host.Endpoints["submission"]);
        await raw.CommandAsync("EHLO trusted.example\r\n");
        Assert.StartsWith("530 5.7.0", await raw.CommandAsync("MAIL FROM:<someone@example.net>\r\n"));
        Assert.StartsWith("235", await raw.CommandAsync($"AUTH PLAIN {PolicyTestKit.PlainResponse(PolicyTestKit.AliceLogin, PolicyTestKit.AlicePassword)}\r\n"));
        Assert.StartsWith("250", await raw.CommandAsync("MAIL FROM:<alice@local.test>\r\n"));
        Assert.StartsWith("250", await raw.CommandAsync("RCPT TO:<friend@foreign.example>\r\n"));
    }

    private static SaslMechanism Sasl(string mechanism, string login, string password) => mechanism switch
    {
        "PLAIN" => new SaslMechanismPlain(login, password),
        _ => new SaslMechanismLogin(login, password),
    };
}
