using MailCluster.TestSupport;
using System.Net;
using System.Net.Sockets;

namespace MailCluster.Node.Tests;

/// <summary>
/// What a node checks before it takes mail: that the data directory is its own, and that every endpoint it listens on
/// is free, all before the SMTP port accepts anything. Real node processes, real sockets.
/// </summary>
public sealed class StartupGuardTests
{
    private const int ExConfig = 78;

    [Fact]
    public async Task A_second_node_on_the_same_data_directory_is_refused_naming_the_path_and_the_pid()
    {
        using var dir = new TempDir();
        using var first = await NodeProcess.StartAsync(dir.Config(), dir.Path);

        var second = await NodeProcess.RunToExitAsync(dir.Config(), dir.Path);

        Assert.True(second.ExitCode == ExConfig, $"exit {second.ExitCode}\n--- stdout\n{second.StdOut}\n--- stderr\n{second.StdErr}");
        Assert.Contains("error: mailcluster.data-dir: ", second.StdErr);
        Assert.Contains(dir.DataDir, second.StdErr);
        Assert.Contains($"PID {first.Pid}", second.StdErr);
        Assert.DoesNotContain("ready", second.StdOut);
        Assert.False(first.HasExited, "the first node stopped");
    }

    [Fact]
    public async Task A_lock_file_left_by_kill_9_does_not_block_the_restart()
    {
        using var dir = new TempDir();
        var lockFile = Path.Combine(dir.DataDir, "mailcluster.lock");
        using (var killed = await NodeProcess.StartAsync(dir.Config(), dir.Path))
        {
            killed.Kill();
            await killed.WaitForExitAsync(NodeProcess.StartTimeout);
        }
        Assert.True(File.Exists(lockFile), "no lock file was left behind to test with");

        using var restarted = await NodeProcess.StartAsync(dir.Config(), dir.Path);
        Assert.False(restarted.HasExited);
    }

    [Fact]
    public async Task A_taken_admin_port_fails_the_start_before_the_smtp_port_ever_accepts()
    {
        using var admin = new TcpListener(IPAddress.Loopback, 0);
        admin.Start();
        var adminPort = ((IPEndPoint)admin.LocalEndpoint).Port;
        var smtpPort = FreePorts.ForChildProcess();

        var run = await RunWhileProbingAsync(smtpPort, $"""
            mailcluster.smtp.listeners.mx.endpoint = "127.0.0.1:{smtpPort}"
            mailcluster.admin.endpoint = "127.0.0.1:{adminPort}"
            """);

        Assert.True(run.ExitCode == ExConfig, $"exit {run.ExitCode}\n--- stdout\n{run.StdOut}\n--- stderr\n{run.StdErr}");
        Assert.Contains($"error: mailcluster.admin.endpoint: cannot listen on 127.0.0.1:{adminPort}", run.StdErr);
        Assert.True(run.Accepted == 0, $"the SMTP port accepted {run.Accepted} of {run.Attempts} connections from a node that then exited");
        Assert.True(run.Attempts > 0);
    }

    [Fact]
    public async Task A_taken_cluster_port_fails_the_start_before_the_smtp_port_ever_accepts()
    {
        using var remoting = new TcpListener(IPAddress.Loopback, 0);
        remoting.Start();
        var remotingPort = ((IPEndPoint)remoting.LocalEndpoint).Port;
        var smtpPort = FreePorts.ForChildProcess();

        var run = await RunWhileProbingAsync(smtpPort, $"""
            mailcluster.smtp.listeners.mx.endpoint = "127.0.0.1:{smtpPort}"
            mailcluster.cluster.port = {remotingPort}
            """);

        Assert.True(run.ExitCode == ExConfig, $"exit {run.ExitCode}\n--- stdout\n{run.StdOut}\n--- stderr\n{run.StdErr}");
        Assert.Contains($"error: mailcluster.cluster.port: cannot listen on 127.0.0.1:{remotingPort}", run.StdErr);
        Assert.True(run.Accepted == 0, $"the SMTP port accepted {run.Accepted} of {run.Attempts} connections from a node that then exited");
    }

    [Fact]
    public async Task Every_taken_endpoint_is_reported_at_once()
    {
        using var smtp = new TcpListener(IPAddress.Loopback, 0);
        using var admin = new TcpListener(IPAddress.Loopback, 0);
        smtp.Start();
        admin.Start();
        var smtpPort = ((IPEndPoint)smtp.LocalEndpoint).Port;
        var adminPort = ((IPEndPoint)admin.LocalEndpoint).Port;
        using var dir = new TempDir();

        var run = await NodeProcess.RunToExitAsync(dir.Config($"""
            mailcluster.smtp.listeners.mx.endpoint = "127.0.0.1:{smtpPort}"
            mailcluster.admin.endpoint = "127.0.0.1:{adminPort}"
            """), dir.Path);

        Assert.True(run.ExitCode == ExConfig, $"exit {run.ExitCode}\n--- stderr\n{run.StdErr}");
        Assert.Contains("error: mailcluster.smtp.listeners.mx.endpoint: ", run.StdErr);
        Assert.Contains("error: mailcluster.admin.endpoint: ", run.StdErr);
    }

    /// <summary>Runs a node to its exit while connecting to its SMTP port over and over; counts the connections that got through.</summary>
    private static async Task<(int ExitCode, string StdOut, string StdErr, int Attempts, int Accepted)> RunWhileProbingAsync(int smtpPort, string extra)
    {
        using var dir = new TempDir();
        using var node = NodeProcess.Launch(dir.Config(extra), dir.Path);
        var attempts = 0;
        var accepted = 0;
        var exited = node.WaitForExitAsync(NodeProcess.StartTimeout);
        while (!exited.IsCompleted)
        {
            attempts++;
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, smtpPort);
                accepted++;
            }
            catch (SocketException) { } // refused: nothing listening, as it should be
            await Task.Delay(10);
        }
        return (await exited, node.StdOut, node.StdErr, attempts, accepted);
    }

}
