using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MailCluster.Protocol.Tests;

/// <summary>A real SMTP client (MailKit) against a real node: what an MTA peer or MUA would see.</summary>
public sealed class MailKitSubmissionTests(DefaultNodeFixture fixture) : IClassFixture<DefaultNodeFixture>
{
    private TestNode Node => fixture.Node;

    private static MimeMessage Message(string subject, params string[] to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.org"));
        foreach (var r in to) message.To.Add(MailboxAddress.Parse(r));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Hello.\n.leading dot\nÄ non-ASCII line\n" };
        return message;
    }

    private async Task<string> SendAsync(MimeMessage message, SecureSocketOptions security = SecureSocketOptions.None)
    {
        using var client = new SmtpClient();
        client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        await client.ConnectAsync(Node.Endpoint.Address.ToString(), Node.Endpoint.Port, security);
        var response = await client.SendAsync(message);
        await client.DisconnectAsync(true);
        return response;
    }

    private static string QueueIdOf(string response) => response.Split("queued as ")[1].Trim();

    [Fact]
    public async Task Accepted_message_is_stored_byte_for_byte_under_a_received_header()
    {
        var message = Message("byte identical", "user@localhost");
        var response = await SendAsync(message);

        var stored = await Node.Spool.LoadAsync(QueueIdOf(response));
        Assert.NotNull(stored);
        Assert.Equal("sender@example.org", stored.Sender);
        Assert.Equal(["user@localhost"], stored.Recipients);

        using var expected = new MemoryStream();
        var wire = FormatOptions.Default.Clone();
        wire.NewLineFormat = NewLineFormat.Dos; // what goes over SMTP
        message.WriteTo(wire, expected);
        var content = stored.Content.ToArray();
        var headerEnd = IndexOfEndOfReceivedHeader(content);
        var received = Encoding.UTF8.GetString(content, 0, headerEnd);
        if (received.StartsWith("Authentication-Results:", StringComparison.Ordinal)) received = received[(received.IndexOf("\r\nReceived:", StringComparison.Ordinal) + 2)..];
        Assert.StartsWith("Received: from ", received);
        Assert.Contains("([127.0.0.1])", received);
        Assert.Contains("by mx.test (MailCluster) with ESMTP id " + stored.QueueId, received);
        Assert.Contains("for <user@localhost>", received);
        Assert.Equal(expected.ToArray(), content[headerEnd..]);
    }

    [Fact]
    public async Task Starttls_is_offered_and_the_trace_header_says_esmtps()
    {
        var response = await SendAsync(Message("over tls", "user@local.test"), SecureSocketOptions.StartTls);

        var stored = await Node.Spool.LoadAsync(QueueIdOf(response));
        var text = Encoding.UTF8.GetString(stored!.Content.Span);
        Assert.Contains(" with ESMTPS id ", text);
        // As Postfix writes it: the negotiated version and cipher before "by".
        Assert.Matches(@"\t\(using TLSv1\.[23] with cipher TLS_[A-Z0-9_]+\)\r\n\tby mx\.test ", text);
    }

    [Fact]
    public async Task Multi_recipient_message_keeps_every_recipient_and_names_none_in_the_trace()
    {
        var response = await SendAsync(Message("two", "a@localhost", "b@LOCAL.TEST"));

        var stored = await Node.Spool.LoadAsync(QueueIdOf(response));
        Assert.Equal(["a@localhost", "b@local.test"], stored!.Recipients);
        Assert.DoesNotContain("\tfor <", Encoding.UTF8.GetString(stored.Content.Span));
    }

    [Fact]
    public async Task Foreign_recipient_is_refused_as_relay_and_nothing_is_stored()
    {
        var before = (await Node.Spool.ListQueueIdsAsync()).Count;
        var ex = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(Message("relay", "victim@foreign.example")));

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, ex.ErrorCode);
        Assert.Equal(554, (int)ex.StatusCode);
        Assert.Equal(before, (await Node.Spool.ListQueueIdsAsync()).Count);
    }

    [Fact]
    public async Task Several_messages_on_one_connection_each_get_their_own_queue_id()
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(Node.Endpoint.Address.ToString(), Node.Endpoint.Port, SecureSocketOptions.None);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(QueueIdOf(await client.SendAsync(Message($"n{i}", "user@localhost"))));
        await client.DisconnectAsync(true);

        Assert.Equal(5, ids.Distinct().Count());
        foreach (var id in ids) Assert.NotNull(await Node.Spool.LoadAsync(id));
    }

    /// <summary>Where the client's bytes begin: after our Authentication-Results (mail from outside) and Received fields.</summary>
    private static int IndexOfEndOfReceivedHeader(byte[] content, int from = 0)
    {
        // Our fields are folded; each ends at the first CRLF not followed by a tab.
        var end = -1;
        for (var i = from; i + 2 < content.Length; i++)
            if (content[i] == '\r' && content[i + 1] == '\n' && content[i + 2] != '\t') { end = i + 2; break; }
        return from == 0 && Encoding.ASCII.GetString(content, 0, Math.Min(content.Length, 23)) == "Authentication-Results:"
            ? IndexOfEndOfReceivedHeader(content, end)
            : end;
    }
}
