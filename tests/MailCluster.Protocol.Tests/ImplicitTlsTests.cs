using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using static MailCluster.Protocol.Tests.Policy.PolicyTestKit;

namespace MailCluster.Protocol.Tests;

/// <summary>An implicit-TLS submission listener (RFC 8314, port 465) with AUTH required, with MailKit over real sockets.</summary>
public sealed partial class ImplicitTlsTests
{
    private const string Submissions = """
        mailcluster.smtp.listeners.submissions {
          endpoint = "127.0.0.1:0"
          implicit-tls = on
          policy { require-auth = on, enforce-sender-login = on }
        }
        """;

    [GeneratedRegex(@"\t\(using TLSv1\.[23] with cipher TLS_[A-Z0-9_]+\)\r\n\tby mx\.test \(MailCluster\) with ESMTPSA id ")]
    private static partial Regex ReceivedOverTls();

    private static MimeMessage Message()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(AliceLogin));
        message.To.Add(MailboxAddress.Parse("friend@local.test"));
        message.Subject = "over implicit tls";
        message.Body = new TextPart("plain") { Text = "hello" };
        return message;
    }

    [Fact]
    public async Task A_client_on_tls_from_the_first_octet_authenticates_and_the_trace_names_the_tls_version_and_cipher()
    {
        await using var node = await TestNode.StartAsync(string.Join('\n', Users, Submissions));
        var endpoint = node.Host.Endpoints["submissions"];
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.SslOnConnect);
        Assert.True(client.IsSecure);
        Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.StartTLS)); // already TLS: nothing to upgrade
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Authentication));

        // AUTH is required on this listener: without it MAIL is refused.
        var refused = await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => client.SendAsync(Message()));
        Assert.Contains("5.7.0", refused.Message); // 530 5.7.0 Authentication required

        await client.AuthenticateAsync(AliceLogin, AlicePassword);
        var response = await client.SendAsync(Message());
        await client.DisconnectAsync(true);
        var stored = await node.Spool.LoadAsync(response.Split("queued as ")[1].Trim());
        Assert.Matches(ReceivedOverTls(), Encoding.UTF8.GetString(stored!.Content.Span));
    }

    [Fact]
    public async Task A_plaintext_client_gets_no_greeting_and_is_dropped()
    {
        await using var node = await TestNode.StartAsync(string.Join('\n', Users, Submissions));
        using var socket = new TcpClient();
        await socket.ConnectAsync(node.Host.Endpoints["submissions"]);
        var stream = socket.GetStream();
        await stream.WriteAsync("EHLO plain.example\r\n"u8.ToArray());
        var buffer = new byte[512];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var read = 0;
        try
        {
            for (int n; (n = await stream.ReadAsync(buffer.AsMemory(read), deadline.Token)) > 0;) read += n;
        }
        catch (IOException) { } // reset by the server
        // Whatever came back is not an SMTP greeting in clear (a TLS alert at most), and the server closed the connection.
        Assert.DoesNotContain("220", Encoding.ASCII.GetString(buffer, 0, read));
        Assert.False(deadline.IsCancellationRequested, "the server kept the plaintext connection open");
    }
}
