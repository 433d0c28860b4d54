using System.Text;
using MailCluster.Core.Auth;
using MailCluster.Core.Spool;

namespace MailCluster.Protocol.Tests.Policy;

/// <summary>Shared config snippets and session steps for the relay-policy protocol tests.</summary>
internal static class PolicyTestKit
{
    public const string AliceLogin = "alice@local.test";
    public const string AlicePassword = "correct horse battery staple";
    public const string BobLogin = "bob";
    public const string BobPassword = "hunter2-but-longer";

    /// <summary>The lowest iteration count config validation accepts, so AUTH stays fast.</summary>
    private static readonly Lazy<(string Alice, string Bob)> Hashes = new(() =>
    {
        var alice = PasswordHash.Create(AlicePassword, PasswordHash.MinimumIterations);
        var bob = PasswordHash.Create(BobPassword, PasswordHash.MinimumIterations);
        Assert.True(PasswordHash.IsWellFormed(alice, out var reason), reason);
        Assert.True(PasswordHash.IsWellFormed(bob, out reason), reason);
        return (alice, bob);
    });

    /// <summary>alice logs in with her address; bob logs in as "bob" and may send as bob@local.test.</summary>
    public static string Users => $$"""
        mailcluster.auth.users {
          "{{AliceLogin}}" { password-hash = "{{Hashes.Value.Alice}}" }
          "{{BobLogin}}" { password-hash = "{{Hashes.Value.Bob}}", addresses = ["bob@local.test"] }
        }
        """;

    /// <summary>A submission listener beside mx: AUTH in the clear allowed (loopback tests), MAIL needs AUTH.</summary>
    public const string SubmissionListener = """
        mailcluster.smtp.listeners.submission {
          endpoint = "127.0.0.1:0"
          auth-allow-plaintext = on
          policy { require-auth = on, enforce-sender-login = on }
        }
        """;

    public const string RelayDomain = "mailcluster.relay-domains = [\"relay.test\"]";

    public static string PlainResponse(string login, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{login}\0{password}"));

    public static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends a small message after RCPT succeeded and returns the queue id from "250 ... queued as ID".</summary>
    public static async Task<string> SendDataAsync(RawSmtpClient client)
    {
        Assert.StartsWith("354", await client.CommandAsync("DATA\r\n"));
        var reply = await client.CommandAsync("Subject: policy test\r\n\r\nHello.\r\n.\r\n");
        Assert.StartsWith("250 2.0.0", reply);
        return reply.Split("queued as ")[1].Trim();
    }

    public static string QueueIdOf(string mailKitResponse) => mailKitResponse.Split("queued as ")[1].Trim();

    public static async Task<SpooledMessage> StoredAsync(TestNode node, string queueId)
    {
        var stored = await node.Spool.LoadAsync(queueId);
        Assert.NotNull(stored);
        return stored;
    }
}
