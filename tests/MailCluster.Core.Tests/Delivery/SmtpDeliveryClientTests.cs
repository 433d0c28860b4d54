using System.Diagnostics;
using System.Text;
using MailCluster.Core.Delivery;
using MailCluster.Core.Delivery.Client;
using MailCluster.TestSupport;
using static MailCluster.Core.Tests.Delivery.DeliveryTestKit;

namespace MailCluster.Core.Tests.Delivery;

/// <summary><see cref="SmtpDeliveryClient"/> against a real <see cref="SmtpSink"/> on loopback.</summary>
public sealed class SmtpDeliveryClientTests : IAsyncLifetime
{
    private readonly List<SmtpSink> _sinks = new();
    private readonly List<SmtpDeliveryClient> _clients = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
        foreach (var sink in _sinks) await sink.DisposeAsync();
    }

    private SmtpSink Sink(SmtpSinkOptions? options = null)
    {
        var sink = SmtpSink.Start(options);
        _sinks.Add(sink);
        return sink;
    }

    private async Task<SmtpDeliveryClient> Connect(SmtpSink sink, SmtpDeliveryOptions? options = null)
    {
        var client = await SmtpDeliveryClient.ConnectAsync("mx.sink.test", sink.Endpoint.Address, sink.Port, options ?? Fast);
        _clients.Add(client);
        return client;
    }

    [Fact]
    public async Task Delivers_content_byte_for_byte_with_dot_stuffing()
    {
        var content = new List<byte>();
        content.AddRange(Encoding.ASCII.GetBytes("Received: from x\r\nSubject: dots\r\n\r\n"));
        content.AddRange(Encoding.ASCII.GetBytes(".starts with a dot\r\n"));
        content.AddRange(Encoding.ASCII.GetBytes("..two dots\r\n"));
        content.AddRange(Encoding.ASCII.GetBytes(".\r\n"));               // a line that is just "."
        content.AddRange(Encoding.ASCII.GetBytes("mid.line. dots\r\n"));
        content.AddRange([0xC3, 0xA9, 0xFF, 0x80, 0x00, (byte)'\r', (byte)'\n']); // 8-bit and NUL
        content.AddRange(Encoding.ASCII.GetBytes("bare\nLF\n.dot after bare LF\r\n"));
        content.AddRange(Encoding.ASCII.GetBytes("\r\n.\r\n.."));         // ends in a dotted line without CRLF
        var bytes = content.ToArray();
        var sink = Sink();
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message(bytes, "rcpt@dest.test"));

        var result = Assert.Single(results);
        Assert.Equal(DeliveryStatus.Delivered, result.Status);
        Assert.Equal("2.0.0", result.EnhancedStatus);
        Assert.StartsWith("smtp; 250 2.0.0 Ok: queued as", result.Diagnostic);
        Assert.Equal("mx.sink.test", result.RemoteMta);
        var message = Assert.Single(sink.Messages);
        // Content that does not end in CRLF gets one before the final dot; otherwise it is identical.
        Assert.Equal([.. bytes, (byte)'\r', (byte)'\n'], message.Content);
        Assert.Equal("sender@origin.test", message.MailFrom);
        Assert.Equal(["rcpt@dest.test"], message.Recipients);
        Assert.Contains("BODY=8BITMIME", message.MailParameters);
        Assert.Contains($"SIZE={bytes.Length}", message.MailParameters);
        Assert.Equal("client.test", message.HeloName);
    }

    [Fact]
    public async Task Large_content_with_long_lines_survives_intact()
    {
        var random = new Random(7);
        var text = new StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            if (random.Next(4) == 0) text.Append('.');
            text.Append(new string('x', random.Next(0, 300))).Append("\r\n");
        }
        text.Append(new string('y', 200_000)).Append("\r\n");
        var bytes = Encoding.ASCII.GetBytes(text.ToString());
        var sink = Sink();
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message(bytes, "a@dest.test"));

        Assert.Equal(DeliveryStatus.Delivered, results.Single().Status);
        Assert.Equal(bytes, sink.Messages.Single().Content);
    }

    [Fact]
    public async Task Per_recipient_outcomes_are_mapped_from_rcpt_replies()
    {
        var sink = Sink(new SmtpSinkOptions
        {
            RcptReply = (_, rcpt) => rcpt switch
            {
                "busy@dest.test" => "450 4.2.1 <busy@dest.test>: mailbox busy",
                "nobody@dest.test" => "550 5.1.1 <nobody@dest.test>: Recipient address rejected: User unknown",
                _ => null,
            },
        });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("ok@dest.test", "busy@dest.test", "nobody@dest.test", "ok2@dest.test"));

        Assert.Equal(["ok@dest.test", "busy@dest.test", "nobody@dest.test", "ok2@dest.test"], results.Select(r => r.Recipient));
        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.Deferred, DeliveryStatus.Failed, DeliveryStatus.Delivered], results.Select(r => r.Status));
        Assert.Equal("4.2.1", results[1].EnhancedStatus);
        Assert.Equal("5.1.1", results[2].EnhancedStatus);
        Assert.Equal("smtp; 550 5.1.1 <nobody@dest.test>: Recipient address rejected: User unknown", results[2].Diagnostic);
        Assert.Equal(["ok@dest.test", "ok2@dest.test"], sink.Messages.Single().Recipients);
    }

    [Fact]
    public async Task Pipelining_sends_mail_and_all_rcpts_in_one_batch()
    {
        var sink = Sink();
        await using var client = await Connect(sink);

        await client.DeliverAsync(Message("a@dest.test", "b@dest.test", "c@dest.test"));

        Assert.True(client.Capabilities.Pipelining);
        Assert.Equal(["EHLO client.test", $"MAIL FROM:<sender@origin.test> SIZE={Message().Content.Length}", "RCPT TO:<a@dest.test>", "RCPT TO:<b@dest.test>", "RCPT TO:<c@dest.test>", "DATA"],
            sink.Commands.Select(c => c.Line));
    }

    [Fact]
    public async Task Many_recipients_are_pipelined_in_batches()
    {
        var sink = Sink(new SmtpSinkOptions { RcptReply = (_, r) => r.StartsWith("bad") ? "550 5.1.1 no" : null });
        await using var client = await Connect(sink, Fast with { PipelineBatchSize = 7 });
        var recipients = Enumerable.Range(0, 50).Select(i => i % 5 == 0 ? $"bad{i}@dest.test" : $"r{i}@dest.test").ToArray();

        var results = await client.DeliverAsync(Message(recipients));

        Assert.Equal(recipients.Select(r => r.StartsWith("bad") ? DeliveryStatus.Failed : DeliveryStatus.Delivered), results.Select(r => r.Status));
        Assert.Equal(40, sink.Messages.Single().Recipients.Count);
    }

    [Fact]
    public async Task Without_pipelining_commands_go_one_at_a_time_with_the_same_outcomes()
    {
        var sink = Sink(new SmtpSinkOptions { Pipelining = false, RcptReply = (_, r) => r == "no@dest.test" ? "550 5.1.1 unknown" : null });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("yes@dest.test", "no@dest.test"));

        Assert.False(client.Capabilities.Pipelining);
        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.Failed], results.Select(r => r.Status));
    }

    [Fact]
    public async Task Refused_mail_from_applies_to_every_recipient()
    {
        var sink = Sink(new SmtpSinkOptions { MailReply = _ => "553 5.7.1 <sender@origin.test>: Sender address rejected" });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("a@dest.test", "b@dest.test"));

        Assert.All(results, r => Assert.Equal((DeliveryStatus.Failed, "5.7.1"), (r.Status, r.EnhancedStatus)));
        Assert.All(results, r => Assert.Equal("smtp; 553 5.7.1 <sender@origin.test>: Sender address rejected", r.Diagnostic));
        Assert.Empty(sink.Messages);
        Assert.True(client.IsUsable);
    }

    [Fact]
    public async Task Transient_reply_to_the_final_dot_defers_accepted_recipients_only()
    {
        var sink = Sink(new SmtpSinkOptions
        {
            RcptReply = (_, r) => r == "no@dest.test" ? "550 5.1.1 unknown" : null,
            DataEndReply = _ => "451 4.3.0 try later",
        });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("a@dest.test", "no@dest.test"));

        Assert.Equal((DeliveryStatus.Deferred, "4.3.0", "smtp; 451 4.3.0 try later"), (results[0].Status, results[0].EnhancedStatus, results[0].Diagnostic));
        Assert.Equal(DeliveryStatus.Failed, results[1].Status);
        Assert.Equal(1, sink.RejectedMessageCount);
    }

    [Fact]
    public async Task Permanent_reply_to_the_final_dot_fails_accepted_recipients()
    {
        var sink = Sink(new SmtpSinkOptions { DataEndReply = _ => "554 5.7.1 Message rejected: spam" });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("a@dest.test", "b@dest.test"));

        Assert.All(results, r => Assert.Equal((DeliveryStatus.Failed, "5.7.1"), (r.Status, r.EnhancedStatus)));
    }

    [Fact]
    public async Task Refused_data_command_applies_to_accepted_recipients()
    {
        var sink = Sink(new SmtpSinkOptions { DataReply = _ => "452 4.3.1 Insufficient system storage" });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("a@dest.test"));

        Assert.Equal((DeliveryStatus.Deferred, "4.3.1"), (results[0].Status, results[0].EnhancedStatus));
        Assert.True(client.IsUsable);
    }

    [Fact]
    public async Task Replies_without_enhanced_codes_get_class_defaults_and_multiline_text_is_joined()
    {
        var sink = Sink(new SmtpSinkOptions
        {
            EnhancedStatusCodes = false,
            RcptReply = (_, r) => r == "a@dest.test" ? "550-5.1.1 first line\n550 5.1.1 second line" : "450 greylisted",
        });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("a@dest.test", "b@dest.test"));

        Assert.Equal(("5.1.1", "smtp; 550 5.1.1 first line second line"), (results[0].EnhancedStatus, results[0].Diagnostic));
        Assert.Equal(("4.0.0", "smtp; 450 greylisted"), (results[1].EnhancedStatus, results[1].Diagnostic));
    }

    [Fact]
    public async Task Several_messages_share_one_connection_with_rset_between()
    {
        var sink = Sink();
        await using var client = await Connect(sink);

        for (var i = 0; i < 3; i++)
        {
            var results = await client.DeliverAsync(Message($"r{i}@dest.test") with { QueueId = $"Q{i}" });
            Assert.Equal(DeliveryStatus.Delivered, results.Single().Status);
        }
        await client.QuitAsync();

        Assert.Equal(1, sink.ConnectionCount);
        Assert.Equal(3, sink.MessageCount);
        Assert.Equal(2, sink.Commands.Count(c => c.Line == "RSET"));
        Assert.Equal("QUIT", sink.Commands.Last().Line);
        Assert.Equal(3, client.MessagesAttempted);
        Assert.False(client.IsUsable);
    }

    [Fact]
    public async Task Connection_stays_usable_after_a_transaction_with_no_accepted_recipient()
    {
        var sink = Sink(new SmtpSinkOptions { RcptReply = (_, r) => r.StartsWith("no") ? "550 5.1.1 no" : null });
        await using var client = await Connect(sink);

        var first = await client.DeliverAsync(Message("no@dest.test"));
        var second = await client.DeliverAsync(Message("yes@dest.test"));

        Assert.Equal(DeliveryStatus.Failed, first.Single().Status);
        Assert.Equal(DeliveryStatus.Delivered, second.Single().Status);
        Assert.Equal(["yes@dest.test"], sink.Messages.Single().Recipients);
    }

    [Fact]
    public async Task Opportunistic_starttls_is_used_when_offered()
    {
        var sink = Sink(new SmtpSinkOptions { StartTls = true });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("a@dest.test"));

        Assert.True(client.IsTls);
        Assert.Equal(DeliveryStatus.Delivered, results.Single().Status);
        Assert.True(sink.Messages.Single().IsTls);
        Assert.Equal(["EHLO client.test", "STARTTLS", "EHLO client.test"], sink.Commands.Take(3).Select(c => c.Line));
    }

    [Fact]
    public async Task Opportunistic_tls_falls_back_to_plaintext_when_not_offered()
    {
        var sink = Sink();
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("a@dest.test"));

        Assert.False(client.IsTls);
        Assert.Equal(DeliveryStatus.Delivered, results.Single().Status);
    }

    [Fact]
    public async Task Required_tls_defers_when_starttls_is_not_offered()
    {
        var sink = Sink();
        await using var client = await Connect(sink, Fast with { TlsMode = SmtpTlsMode.Required });

        var results = await client.DeliverAsync(Message("a@dest.test"));

        Assert.False(client.IsUsable);
        Assert.Equal((DeliveryStatus.Deferred, "4.7.4"), (results.Single().Status, results.Single().EnhancedStatus));
        Assert.Contains("TLS is required", results.Single().Diagnostic);
        Assert.Empty(sink.Messages);
    }

    [Fact]
    public async Task Required_tls_delivers_over_tls_and_disabled_never_starts_it()
    {
        var sink = Sink(new SmtpSinkOptions { StartTls = true });
        await using var required = await Connect(sink, Fast with { TlsMode = SmtpTlsMode.Required });
        await using var disabled = await Connect(sink, Fast with { TlsMode = SmtpTlsMode.Disabled });

        await required.DeliverAsync(Message("tls@dest.test"));
        await disabled.DeliverAsync(Message("plain@dest.test"));

        var messages = await sink.WaitForMessagesAsync(2, TimeSpan.FromSeconds(5));
        Assert.True(messages.Single(m => m.Recipients[0] == "tls@dest.test").IsTls);
        Assert.False(messages.Single(m => m.Recipients[0] == "plain@dest.test").IsTls);
    }

    [Fact]
    public async Task Lmtp_gives_one_result_per_recipient_after_the_dot()
    {
        var sink = Sink(new SmtpSinkOptions
        {
            Lmtp = true,
            LmtpRecipientReply = (_, r) => r switch
            {
                "full@dest.test" => "452 4.2.2 <full@dest.test> mailbox full",
                "gone@dest.test" => "550 5.1.1 <gone@dest.test> no such user",
                _ => null,
            },
        });
        await using var client = await Connect(sink, Fast with { Lmtp = true });

        var results = await client.DeliverAsync(Message("ok@dest.test", "full@dest.test", "gone@dest.test"));

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.Deferred, DeliveryStatus.Failed], results.Select(r => r.Status));
        Assert.Equal(["2.1.5", "4.2.2", "5.1.1"], results.Select(r => r.EnhancedStatus));
        Assert.Equal(["ok@dest.test"], sink.Messages.Single().Recipients);
        Assert.Equal("LHLO client.test", sink.Commands.First().Line);
    }

    [Fact]
    public async Task Lmtp_with_refused_rcpt_reads_replies_only_for_accepted_recipients()
    {
        var sink = Sink(new SmtpSinkOptions { Lmtp = true, RcptReply = (_, r) => r == "x@dest.test" ? "550 5.1.1 unknown" : null });
        await using var client = await Connect(sink, Fast with { Lmtp = true });

        var first = await client.DeliverAsync(Message("a@dest.test", "x@dest.test", "b@dest.test"));
        var second = await client.DeliverAsync(Message("c@dest.test"));

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.Failed, DeliveryStatus.Delivered], first.Select(r => r.Status));
        Assert.Equal(DeliveryStatus.Delivered, second.Single().Status);
    }

    [Fact]
    public async Task Silent_server_defers_within_the_command_timeout()
    {
        var sink = Sink(new SmtpSinkOptions { BannerReply = _ => SmtpSink.Stall });
        var clock = Stopwatch.StartNew();
        await using var client = await Connect(sink, Fast with { CommandTimeout = TimeSpan.FromMilliseconds(400) });

        var results = await client.DeliverAsync(Message("a@dest.test"));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.Equal((DeliveryStatus.Deferred, "4.4.2"), (results.Single().Status, results.Single().EnhancedStatus));
        Assert.Contains("timed out", results.Single().Diagnostic);
        Assert.Contains("initial server greeting", results.Single().Diagnostic);
    }

    [Fact]
    public async Task No_reply_to_the_final_dot_defers_within_the_data_timeout()
    {
        var sink = Sink(new SmtpSinkOptions
        {
            RcptReply = (_, r) => r == "no@dest.test" ? "550 5.1.1 unknown" : null,
            DataEndReply = _ => SmtpSink.Stall,
        });
        await using var client = await Connect(sink, Fast with { DataTimeout = TimeSpan.FromMilliseconds(500) });
        var clock = Stopwatch.StartNew();

        var results = await client.DeliverAsync(Message("a@dest.test", "no@dest.test"));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.Equal(DeliveryStatus.Deferred, results[0].Status);
        Assert.Contains("timed out", results[0].Diagnostic);
        Assert.Contains("end of data", results[0].Diagnostic);
        Assert.Equal(DeliveryStatus.Failed, results[1].Status); // already final before the timeout
        Assert.False(client.IsUsable);
        Assert.Equal(DeliveryStatus.Deferred, (await client.DeliverAsync(Message("b@dest.test"))).Single().Status);
    }

    [Fact]
    public async Task Connection_drop_mid_transaction_defers_the_rest()
    {
        var sink = Sink(new SmtpSinkOptions
        {
            Pipelining = false,
            RcptReply = (_, r) => r switch { "no@dest.test" => "550 5.1.1 unknown", "drop@dest.test" => SmtpSink.Disconnect, _ => null },
        });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("a@dest.test", "no@dest.test", "drop@dest.test", "z@dest.test"));

        Assert.Equal([DeliveryStatus.Deferred, DeliveryStatus.Failed, DeliveryStatus.Deferred, DeliveryStatus.Deferred], results.Select(r => r.Status));
        Assert.Contains("lost connection with mx.sink.test[127.0.0.1]", results[0].Diagnostic);
        Assert.Contains("RCPT TO", results[0].Diagnostic);
    }

    [Fact]
    public async Task Reply_421_defers_the_rest_and_closes()
    {
        var sink = Sink(new SmtpSinkOptions { RcptReply = (_, r) => r == "b@dest.test" ? "421 4.7.0 shutting down" : null, Pipelining = false });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("a@dest.test", "b@dest.test"));

        Assert.All(results, r => Assert.Equal(DeliveryStatus.Deferred, r.Status));
        Assert.Equal("smtp; 421 4.7.0 shutting down", results[1].Diagnostic);
    }

    [Theory]
    [InlineData("554 5.7.1 go away", DeliveryStatus.Failed, "5.7.1")]
    [InlineData("421 4.3.2 too busy", DeliveryStatus.Deferred, "4.3.2")]
    public async Task Refused_greeting_decides_every_recipient(string banner, DeliveryStatus status, string enhanced)
    {
        var sink = Sink(new SmtpSinkOptions { BannerReply = _ => banner });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("a@dest.test", "b@dest.test"));

        Assert.False(client.IsUsable);
        Assert.Equal(banner, client.Banner!.ToString());
        Assert.All(results, r => Assert.Equal((status, enhanced, "smtp; " + banner), (r.Status, r.EnhancedStatus, r.Diagnostic)));
    }

    [Fact]
    public async Task Ehlo_refusal_falls_back_to_helo()
    {
        var sink = Sink(new SmtpSinkOptions { EhloReply = _ => "502 5.5.2 EHLO not implemented" });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("a@dest.test", "b@dest.test"));

        Assert.False(client.Capabilities.Esmtp);
        Assert.All(results, r => Assert.Equal(DeliveryStatus.Delivered, r.Status));
        Assert.Equal(["EHLO client.test", "HELO client.test", "MAIL FROM:<sender@origin.test>"], sink.Commands.Take(3).Select(c => c.Line));
    }

    [Fact]
    public async Task Smtputf8_required_but_not_offered_fails_with_5_6_7()
    {
        var sink = Sink(new SmtpSinkOptions { SmtpUtf8 = false });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("jøran@dest.test") with { RequiresSmtpUtf8 = true });

        Assert.Equal((DeliveryStatus.Failed, "5.6.7"), (results.Single().Status, results.Single().EnhancedStatus));
        Assert.Empty(sink.Messages);
        Assert.True(client.IsUsable);
    }

    [Fact]
    public async Task Smtputf8_is_declared_when_required_and_offered()
    {
        var sink = Sink();
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("jøran@dest.test") with { Sender = "søren@origin.test", RequiresSmtpUtf8 = true });

        Assert.Equal(DeliveryStatus.Delivered, results.Single().Status);
        var message = sink.Messages.Single();
        Assert.Contains("SMTPUTF8", message.MailParameters);
        Assert.Equal(("søren@origin.test", "jøran@dest.test"), (message.MailFrom, message.Recipients.Single()));
    }

    [Fact]
    public async Task Message_over_the_advertised_size_fails_without_sending()
    {
        var sink = Sink(new SmtpSinkOptions { MaxSize = 10 });
        await using var client = await Connect(sink);

        var results = await client.DeliverAsync(Message("a@dest.test"));

        Assert.Equal((DeliveryStatus.Failed, "5.3.4"), (results.Single().Status, results.Single().EnhancedStatus));
        Assert.DoesNotContain(sink.Commands, c => c.Line.StartsWith("MAIL"));
    }

    [Fact]
    public async Task Null_sender_is_sent_as_empty_path()
    {
        var sink = Sink();
        await using var client = await Connect(sink);

        await client.DeliverAsync(Message("a@dest.test") with { Sender = "" });

        Assert.Equal("", sink.Messages.Single().MailFrom);
    }

    [Fact]
    public async Task Refused_connection_throws_with_a_deferral()
    {
        var sink = Sink();
        var port = sink.Port;
        await sink.StopListeningAsync();

        var e = await Assert.ThrowsAsync<SmtpConnectException>(() =>
            SmtpDeliveryClient.ConnectAsync("mx.sink.test", System.Net.IPAddress.Loopback, port, Fast));

        Assert.Equal((DeliveryStatus.Deferred, "4.4.1"), (e.Failure.Status, e.Failure.EnhancedStatus));
        Assert.Equal($"connect to mx.sink.test[127.0.0.1]:{port}: Connection refused", e.Failure.Diagnostic);
    }

    [Fact]
    public async Task Probe_tells_a_live_connection_from_one_the_server_dropped()
    {
        var sink = Sink();
        await using var client = await Connect(sink);
        Assert.True(await client.ProbeAsync());

        sink.DropConnections();
        await Task.Delay(100);

        Assert.False(await client.ProbeAsync());
        Assert.False(client.IsUsable);
    }
}
