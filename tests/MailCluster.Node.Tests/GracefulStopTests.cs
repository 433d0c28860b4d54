using System.Diagnostics;

namespace MailCluster.Node.Tests;

/// <summary>SIGTERM is the normal stop (systemd, Kubernetes): exit 0, promptly.</summary>
public sealed class GracefulStopTests
{
    // Generous for a loaded CI machine; supervisors wait far longer (systemd 90 s, Kubernetes 30 s) before SIGKILL.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    private static async Task AssertStopsCleanlyAsync(NodeProcess node)
    {
        var clock = Stopwatch.StartNew();
        node.Terminate();
        var code = await node.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.True(code == 0, $"exit {code}\n--- stdout\n{node.StdOut}\n--- stderr\n{node.StdErr}");
        Assert.True(clock.Elapsed < Prompt, $"took {clock.Elapsed} to stop");
        Assert.Contains("MailCluster node stopping", node.StdOut);
    }

    [Fact]
    public async Task Sigterm_stops_an_idle_node_with_exit_0()
    {
        using var dir = new TempDir();
        using var node = await NodeProcess.StartAsync(dir.Config(), dir.Path);
        await Task.Delay(200);
        await AssertStopsCleanlyAsync(node);
    }

    [Fact]
    public async Task Sigterm_stops_a_node_with_an_open_session_with_exit_0()
    {
        using var dir = new TempDir();
        using var node = await NodeProcess.StartAsync(dir.Config(), dir.Path);
        using var smtp = await RawSmtpClient.ConnectAsync(node.Port);
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO client.test"));
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.org>"));
        await AssertStopsCleanlyAsync(node);
    }

    /// <summary>"ready" is what supervisors wait for before they may send SIGTERM.</summary>
    [Fact]
    public async Task Sigterm_right_after_the_ready_line_exits_0()
    {
        using var dir = new TempDir();
        using var node = await NodeProcess.StartAsync(dir.Config(), dir.Path);
        await AssertStopsCleanlyAsync(node);
    }

    [Fact]
    public async Task Sigterm_lets_a_message_in_transfer_finish_and_turns_new_clients_away_with_421_4_3_2()
    {
        using var dir = new TempDir();
        using var node = await NodeProcess.StartAsync(dir.Config(), dir.Path);
        using var sending = await RawSmtpClient.ConnectAsync(node.Port);
        using var idle = await RawSmtpClient.ConnectAsync(node.Port);
        Assert.StartsWith("250", await idle.CommandAsync("EHLO idle.test"));
        Assert.StartsWith("250", await sending.CommandAsync("EHLO client.test"));
        Assert.StartsWith("250", await sending.CommandAsync("MAIL FROM:<a@example.org>"));
        Assert.StartsWith("250", await sending.CommandAsync("RCPT TO:<user@localhost>"));
        Assert.StartsWith("354", await sending.CommandAsync("DATA"));
        await sending.WriteAsync("Subject: in flight\r\n\r\nfirst half\r\n"u8.ToArray());

        var clock = Stopwatch.StartNew();
        node.Terminate();
        Assert.StartsWith("421 4.3.2", await idle.ReadReplyAsync());
        using (var late = await RawSmtpClient.ConnectAsync(node.Port)) Assert.StartsWith("421 4.3.2", late.Greeting);

        await sending.WriteAsync("second half\r\n.\r\n"u8.ToArray());
        Assert.StartsWith("250 2.0.0", await sending.ReadReplyAsync());
        Assert.StartsWith("421 4.3.2", await sending.CommandAsync("MAIL FROM:<b@example.org>"));

        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed} to stop");
        Assert.Single(await SpoolAssert.QueueIdsAsync(dir.DatabasePath));
    }
}
