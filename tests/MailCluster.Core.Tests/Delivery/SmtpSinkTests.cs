using System.Net;
using System.Net.Sockets;
using System.Text;
using MailCluster.Core.Delivery;
using MailCluster.Core.Delivery.Client;
using MailCluster.TestSupport;
using static MailCluster.Core.Tests.Delivery.DeliveryTestKit;

namespace MailCluster.Core.Tests.Delivery;

/// <summary>The test sink itself: un-dot-stuffing, concurrency, restart on the same port.</summary>
public sealed class SmtpSinkTests
{
    [Fact]
    public async Task Raw_session_is_recorded_with_dots_removed()
    {
        await using var sink = SmtpSink.Start();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, sink.Port);
        var stream = tcp.GetStream();
        // One pipelined write; the body is split across writes mid-line and mid-CRLF.
        await stream.WriteAsync("EHLO raw\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"u8.ToArray());
        await Task.Delay(50);
        await stream.WriteAsync("..dot\r\nline\r"u8.ToArray());
        await Task.Delay(20);
        await stream.WriteAsync("\n.\r\n"u8.ToArray()[..1]);
        await Task.Delay(20);
        await stream.WriteAsync(".\r\nQUIT\r\n"u8.ToArray());

        var messages = await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(5));

        Assert.Equal(".dot\r\nline\r\n", Encoding.ASCII.GetString(messages[0].Content));
        Assert.Equal(("a@b", "c@d"), (messages[0].MailFrom, messages[0].Recipients.Single()));
    }

    [Fact]
    public async Task Concurrent_connections_are_all_recorded()
    {
        await using var sink = SmtpSink.Start();
        const int clients = 8, perClient = 100;

        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            await using var client = await SmtpDeliveryClient.ConnectAsync(sink.Endpoint, Fast);
            for (var i = 0; i < perClient; i++)
            {
                var result = await client.DeliverAsync(Message(Content($"Subject: {c}/{i}\r\n\r\nbody\r\n"), $"c{c}m{i}@dest.test"));
                Assert.Equal(DeliveryStatus.Delivered, result.Single().Status);
            }
            await client.QuitAsync();
        }));

        var messages = await sink.WaitForMessagesAsync(clients * perClient, TimeSpan.FromSeconds(10));
        Assert.Equal(clients * perClient, messages.Select(m => m.Recipients.Single()).Distinct().Count());
        Assert.Equal(clients, sink.ConnectionCount);
    }

    [Fact]
    public async Task Stops_and_restarts_listening_on_the_same_port()
    {
        await using var sink = SmtpSink.Start();
        var port = sink.Port;
        Assert.Equal(DeliveryStatus.Delivered, (await Send(sink.Endpoint)).Status);

        await sink.StopListeningAsync();
        var refused = await Send(new IPEndPoint(IPAddress.Loopback, port));
        sink.StartListening();
        var accepted = await Send(new IPEndPoint(IPAddress.Loopback, port));

        Assert.Equal((DeliveryStatus.Deferred, "4.4.1"), (refused.Status, refused.EnhancedStatus));
        Assert.Equal(DeliveryStatus.Delivered, accepted.Status);
        Assert.Equal(port, sink.Port);
        Assert.Equal(2, sink.MessageCount);
    }

    [Fact]
    public async Task Scripted_data_end_reply_defers_the_first_attempts()
    {
        await using var sink = SmtpSink.Start(new SmtpSinkOptions { DataEndReply = t => t.Sequence <= 2 ? "451 4.3.0 try later" : null });

        var statuses = new List<DeliveryStatus>();
        for (var i = 0; i < 3; i++) statuses.Add((await Send(sink.Endpoint)).Status);

        Assert.Equal([DeliveryStatus.Deferred, DeliveryStatus.Deferred, DeliveryStatus.Delivered], statuses);
        Assert.Equal((3, 2, 1), (sink.DataEndCount, sink.RejectedMessageCount, sink.MessageCount));
    }

    [Fact]
    public async Task Wait_times_out_with_the_count_reached()
    {
        await using var sink = SmtpSink.Start();

        var e = await Assert.ThrowsAsync<TimeoutException>(() => sink.WaitForMessagesAsync(1, TimeSpan.FromMilliseconds(100)));

        Assert.Contains("0 of 1", e.Message);
    }

    private static async Task<RecipientResult> Send(IPEndPoint endpoint)
    {
        try
        {
            await using var client = await SmtpDeliveryClient.ConnectAsync(endpoint, Fast);
            var result = (await client.DeliverAsync(Message("a@dest.test"))).Single();
            await client.QuitAsync();
            return result;
        }
        catch (SmtpConnectException e)
        {
            return e.Failure.For("a@dest.test");
        }
    }
}
