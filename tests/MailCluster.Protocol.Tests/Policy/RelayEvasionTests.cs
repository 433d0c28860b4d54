namespace MailCluster.Protocol.Tests.Policy;

/// <summary>A node for local.test (and localhost) that relays for relay.test and trusts nobody by address.</summary>
public sealed class RelayNodeFixture : IAsyncLifetime
{
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await TestNode.StartAsync(PolicyTestKit.RelayDomain);

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

/// <summary>
/// Every classic way to smuggle a foreign destination past "is this domain ours?", sent byte-exact by an untrusted
/// client (the test node has mynetworks = []). Each is refused with 554 5.7.1; what really is local is accepted and
/// stored under the normalized local address, never a foreign one.
/// </summary>
public sealed class RelayEvasionTests(RelayNodeFixture fixture) : IClassFixture<RelayNodeFixture>
{
    private TestNode Node => fixture.Node;

    public static TheoryData<string> RefusedRecipients => new()
    {
        "<victim@foreign.example>",
        // Percent hack: a downstream MTA may rewrite user%host@us into user@host.
        "<user%foreign.example@local.test>",
        "<user%foreign.example@LOCAL.TEST.>",
        "<user%foreign.example@relay.test>",
        // UUCP bang path.
        "<foreign.example!user@local.test>",
        "<foreign.example!user@relay.test>",
        // RFC 5321 source route: the route is ignored, the mailbox decides.
        "<@local.test:user@foreign.example>",
        "<@local.test,@relay.test:user@foreign.example>",
        // Quoted local parts carrying routing characters.
        "<\"user@foreign.example\"@local.test>",
        "<\"user%foreign.example\"@local.test>",
        "<\"foreign.example!user\"@local.test>",
        "<\"user\\@foreign.example\"@local.test>",
        "<\"user@foreign.example\"@relay.test>",
        // Domain literals: even our own loopback address is not one of our domains.
        "<user@[127.0.0.1]>",
        "<user@[IPv6:::1]>",
        "<user@[IPv6:0:0:0:0:0:0:0:1]>",
        // Trailing dots, case and look-alike suffixes of foreign domains.
        "<user@foreign.example.>",
        "<user@FOREIGN.Example>",
        "<user@FOREIGN.EXAMPLE.>",
        "<user@local.test.foreign.example>",
        "<user@foreign-local.test>",
        "<user@sub.local.test>",
        // Postmaster is special only bare or at our domains.
        "<postmaster@foreign.example>",
    };

    [Theory]
    [MemberData(nameof(RefusedRecipients))]
    public async Task Relay_evasion_from_an_untrusted_client_is_refused(string recipient)
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        Assert.StartsWith("250", await client.CommandAsync("EHLO evil.example\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<spammer@example.net>\r\n"));

        Assert.StartsWith("554 5.7.1", await client.CommandAsync($"RCPT TO:{recipient}\r\n"));

        // Nothing was accepted, so there is nothing to send.
        Assert.StartsWith("503", await client.CommandAsync("DATA\r\n"));
    }

    public static TheoryData<string, string> LocalRecipients => new()
    {
        { "<alice@local.test>", "alice@local.test" },
        { "<Alice@LOCAL.TEST.>", "Alice@local.test" },
        { "<alice@LocalHost>", "alice@localhost" },
        { "<someone@relay.test>", "someone@relay.test" },
        { "<someone@RELAY.test.>", "someone@relay.test" },
        // A source route that ends in a local mailbox is delivered to that mailbox, the route is dropped.
        { "<@foreign.example:alice@local.test>", "alice@local.test" },
        { "<@foreign.example,@other.example:Alice@Local.Test.>", "Alice@local.test" },
        { "<postmaster>", "postmaster@localhost" }, // routed to the first local domain (RFC 5321 4.5.1)
        { "<POSTMASTER@local.test>", "POSTMASTER@local.test" },
    };

    [Theory]
    [MemberData(nameof(LocalRecipients))]
    public async Task What_really_is_ours_is_stored_under_the_normalized_address(string recipient, string stored)
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<someone@example.net>\r\n"));
        Assert.StartsWith("250 2.1.5", await client.CommandAsync($"RCPT TO:{recipient}\r\n"));

        var message = await PolicyTestKit.StoredAsync(Node, await PolicyTestKit.SendDataAsync(client));
        Assert.Equal([stored], message.Recipients);
    }

    [Fact]
    public async Task Refused_evasions_mixed_with_a_local_recipient_store_only_the_local_one()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        await client.CommandAsync("EHLO evil.example\r\n");
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<spammer@example.net>\r\n"));
        Assert.StartsWith("554 5.7.1", await client.CommandAsync("RCPT TO:<victim%foreign.example@local.test>\r\n"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@local.test>\r\n"));
        Assert.StartsWith("554 5.7.1", await client.CommandAsync("RCPT TO:<@local.test:victim@foreign.example>\r\n"));
        Assert.StartsWith("554 5.7.1", await client.CommandAsync("RCPT TO:<victim@[127.0.0.1]>\r\n"));

        var message = await PolicyTestKit.StoredAsync(Node, await PolicyTestKit.SendDataAsync(client));
        Assert.Equal(["bob@local.test"], message.Recipients);
        Assert.All(await Node.StoredMessagesAsync(), m => Assert.All(m.Recipients, r =>
        {
            Assert.DoesNotContain("foreign", r);
            Assert.DoesNotContain("[", r);
        }));
    }

    [Fact]
    public async Task Pipelined_evasions_are_refused_in_order()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Node.Endpoint);
        await client.CommandAsync("EHLO evil.example\r\n");
        await client.SendAsync("MAIL FROM:<spammer@example.net>\r\n" +
                               "RCPT TO:<foreign.example!victim@local.test>\r\n" +
                               "RCPT TO:<\"victim@foreign.example\"@local.test>\r\n" +
                               "RCPT TO:<victim@[IPv6:::1]>\r\n" +
                               "RCPT TO:<victim@foreign.example.>\r\n");
        var replies = await client.ReadRepliesAsync(5);
        Assert.StartsWith("250", replies[0]);
        Assert.All(replies.Skip(1), r => Assert.StartsWith("554 5.7.1", r));
    }
}
