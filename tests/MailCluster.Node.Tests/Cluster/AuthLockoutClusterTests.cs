using System.Text;
using MailCluster.Core.Auth;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace MailCluster.Node.Tests.Cluster;

/// <summary>AUTH failures are counted by the cluster's sharded counters: a lockout made through one node holds on the others.</summary>
public sealed class AuthLockoutClusterTests
{
    private const string Login = "alice@localhost";
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task A_login_locked_out_through_node_A_is_locked_out_on_node_B()
    {
        var hash = PasswordHash.Create(Password, PasswordHash.MinimumIterations);
        await using var cluster = await ClusterHarness.StartAsync(size: 2, extraConfig: $$"""
            mailcluster.auth.users { "{{Login}}" { password-hash = "{{hash}}" } }
            mailcluster.smtp.listeners.mx.auth-allow-plaintext = on
            mailcluster.auth.lockout { max-failures-per-login = 3, max-failures-per-ip = 0 }
            """);
        var (nodeA, nodeB) = (cluster.Nodes[0]!.Port, cluster.Nodes[1]!.Port);

        // The right password works on both before, so a 454 later is the lockout and not a setup problem. Until the
        // counters' shards are allocated in the newly formed cluster AUTH answers 454 (it never lets anyone in unchecked).
        foreach (var port in new[] { nodeA, nodeB })
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            string reply;
            while (!(reply = await RawLoginAsync(port, Password)).StartsWith("235 2.7.0"))
            {
                Assert.True(DateTime.UtcNow < deadline, $"AUTH on port {port} still answers {reply}\n{cluster.Nodes[0]!.StdOut}\n{cluster.Nodes[1]!.StdOut}");
                await Task.Delay(200);
            }
        }
        for (var i = 0; i < 3; i++)
            Assert.Contains("535", await MailKitLoginAsync(nodeA, "wrong-" + i) ?? "got in");

        Assert.StartsWith("454 4.7.0", await RawLoginAsync(nodeB, Password));
        Assert.Contains("too many failed attempts", await MailKitLoginAsync(nodeB, Password) ?? "got in");
        Assert.StartsWith("454 4.7.0", await RawLoginAsync(nodeA, Password));
    }

    private static async Task<string> RawLoginAsync(int port, string password)
    {
        using var client = await RawSmtpClient.ConnectAsync(port);
        Assert.StartsWith("250", await client.CommandAsync("EHLO mua.example"));
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{Login}\0{password}"));
        return await client.CommandAsync($"AUTH PLAIN {plain}");
    }

    private static async Task<string?> MailKitLoginAsync(int port, string password)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        try
        {
            await client.AuthenticateAsync(new SaslMechanismPlain(Login, password));
            return null;
        }
        catch (Exception ex) when (ex is AuthenticationException or SmtpCommandException)
        {
            return ex.Message;
        }
    }
}
