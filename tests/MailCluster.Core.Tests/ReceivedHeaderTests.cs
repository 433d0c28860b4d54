using System.Net;
using System.Text;
using MailCluster.Core.Messages;

namespace MailCluster.Core.Tests;

public sealed class ReceivedHeaderTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 4, 44, 8, TimeSpan.Zero);

    [Fact]
    public void Names_the_socket_ip_the_helo_the_protocol_the_id_and_the_date()
    {
        var text = Encoding.UTF8.GetString(ReceivedHeader.Build("client.example", IPAddress.Parse("192.0.2.7"), "mx.test",
            "ESMTPS", "06H212D60CAFGE9H", "user@localhost", At));
        Assert.Equal("Received: from client.example ([192.0.2.7])\r\n\tby mx.test (MailCluster) with ESMTPS id 06H212D60CAFGE9H\r\n" +
            "\tfor <user@localhost>; Sat, 28 Nov 2026 04:44:08 +0000\r\n", text);
    }

    [Fact]
    public void A_tls_session_names_its_version_and_cipher_before_by_as_postfix_does()
    {
        var text = Encoding.UTF8.GetString(ReceivedHeader.Build("client.example", IPAddress.Parse("192.0.2.7"), "mx.test",
            "ESMTPSA", "ID1", null, At, "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384"));
        Assert.Equal("Received: from client.example ([192.0.2.7])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n" +
            "\tby mx.test (MailCluster) with ESMTPSA id ID1; Sat, 28 Nov 2026 04:44:08 +0000\r\n", text);
    }

    [Fact]
    public void A_hostile_helo_cannot_forge_the_trace()
    {
        var text = Encoding.UTF8.GetString(ReceivedHeader.Build("evil (trusted.example [10.0.0.1])", IPAddress.Parse("::ffff:198.51.100.1"),
            "mx.test", "ESMTP", "ID", null, At));
        Assert.StartsWith("Received: from evil__trusted.example_[10.0.0.1]_ ([198.51.100.1])", text);
        Assert.DoesNotContain("for <", text);
    }

    [Fact]
    public void Ipv6_clients_get_an_ipv6_literal()
    {
        var text = Encoding.UTF8.GetString(ReceivedHeader.Build("h", IPAddress.IPv6Loopback, "mx.test", "ESMTP", "ID", null, At));
        Assert.Contains("([IPv6:::1])", text);
    }
}
