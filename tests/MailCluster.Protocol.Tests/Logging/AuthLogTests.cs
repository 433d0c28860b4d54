using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using static MailCluster.Protocol.Tests.Policy.PolicyTestKit;

namespace MailCluster.Protocol.Tests.Logging;

/// <summary>AUTH secrets never reach the log, at any level, in any format, whatever the mechanism or outcome.</summary>
public sealed class AuthLogTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task An_auth_session_logs_the_login_and_the_outcome_but_never_the_password(string format)
    {
        var log = new CapturedLog();
        await using var node = await TestNode.StartAsync($"""
            {Users}
            {SubmissionListener}
            {RelayDomain}
            mailcluster.logging {"{"} format = {format}, level = debug {"}"}
            akka.loglevel = DEBUG
            """, log);
        var endpoint = node.Host.Endpoints["submission"];

        // MailKit picks its mechanism (PLAIN or LOGIN) and sends a real message.
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
            await client.AuthenticateAsync(AliceLogin, AlicePassword);
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(AliceLogin));
            message.To.Add(MailboxAddress.Parse("someone@relay.test"));
            message.Subject = "auth log test";
            message.Body = new TextPart("plain") { Text = "Hello." };
            await client.SendAsync(message);
            await client.DisconnectAsync(quit: true);
        }

        // Both mechanisms by hand, a wrong password and a good one, with and without an initial response.
        await using (var raw = await RawSmtpClient.ConnectAsync(endpoint))
        {
            Assert.StartsWith("250", await raw.CommandAsync("EHLO mua.example\r\n"));
            Assert.StartsWith("535", await raw.CommandAsync($"AUTH PLAIN {PlainResponse(BobLogin, "wrong-" + BobPassword)}\r\n"));
            Assert.StartsWith("334", await raw.CommandAsync("AUTH LOGIN\r\n"));
            Assert.StartsWith("334", await raw.CommandAsync(B64(BobLogin) + "\r\n"));
            Assert.StartsWith("235", await raw.CommandAsync(B64(BobPassword) + "\r\n"));
            await raw.CommandAsync("QUIT\r\n");
        }

        await log.WaitForLineAsync(Wait, "auth", "result", "failed", "bob");
        await log.WaitForLineAsync(Wait, "auth", "result", "ok", "bob");
        await log.WaitForLineAsync(Wait, "auth", "result", "ok", AliceLogin);
        await log.WaitForLineAsync(Wait, "accepted", "queue_id");
        var text = log.Text;
        foreach (var secret in new[]
                 {
                     AlicePassword, B64(AlicePassword), PlainResponse(AliceLogin, AlicePassword),
                     BobPassword, B64(BobPassword), PlainResponse(BobLogin, "wrong-" + BobPassword), "wrong-" + BobPassword,
                 })
            Assert.DoesNotContain(secret, text);
    }
}
