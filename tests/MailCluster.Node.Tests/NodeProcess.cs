using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace MailCluster.Node.Tests;

/// <summary>A temp directory deleted on dispose; the working directory of one or more node runs.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mc-node-test-" + Guid.NewGuid().ToString("N"));
    public TempDir() => Directory.CreateDirectory(Path);
    public string DataDir => System.IO.Path.Combine(Path, "data");
    public string DatabasePath => System.IO.Path.Combine(DataDir, "mailcluster.db");

    /// <summary>
    /// The test baseline: free loopback port, data under this dir, no TLS certificate to generate. Delivery is held
    /// (defer-transports) so the durability tests find every acknowledged message in the spool; delivery tests turn it back on.
    /// </summary>
    public string Config(string extra = "") => $$"""
        akka.loglevel = WARNING
        mailcluster {
          hostname = "node.test"
          data-dir = "{{DataDir}}"
          smtp.listeners.mx.endpoint = "127.0.0.1:0"
          admin.endpoint = "127.0.0.1:0"
          smtp.tls.generate-development-certificate = off
          queue.defer-transports = ["local", "smtp", "lmtp"]
          # The MX-side checks would ask real DNS about the senders of tests with untrusted clients; SenderAuthTests
          # turns them on with the loopback DNS stub.
          sender-auth.enabled = off
        }
        {{extra}}
        """;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The real mailcluster-node executable, run as a child process with its own config file and working dir.</summary>
public sealed partial class NodeProcess : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    public static string NodeDll => System.IO.Path.Combine(AppContext.BaseDirectory, "mailcluster-node.dll");

    private readonly Process _process;
    private readonly TempDir? _ownedDir;
    private readonly StringBuilder _stdout = new(), _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string WorkDir { get; }
    public string ConfigPath { get; }
    public int Pid => _process.Id;
    /// <summary>Port of the mx listener, parsed from the ready line.</summary>
    public int Port { get; private set; }
    /// <summary>The admin API's base address, from its startup line (null when the admin API is off).</summary>
    public Uri? AdminUrl { get; private set; }
    public string StdOut { get { lock (_stdout) return _stdout.ToString(); } }
    public string StdErr { get { lock (_stderr) return _stderr.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    private NodeProcess(string configText, string? workDir, string[] extraArgs, string? shellPrelude = null)
    {
        if (workDir is null) { _ownedDir = new TempDir(); workDir = _ownedDir.Path; }
        WorkDir = workDir;
        ConfigPath = System.IO.Path.Combine(WorkDir, $"node-{Guid.NewGuid():N}.conf");
        File.WriteAllText(ConfigPath, configText);

        // With a prelude (fault tests: "ulimit -f ..."), bash runs it and then execs dotnet, so Pid is still the node's.
        var psi = new ProcessStartInfo(shellPrelude is null ? "dotnet" : "bash")
        {
            WorkingDirectory = WorkDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (shellPrelude is not null)
        {
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"{shellPrelude}\nexec dotnet \"$@\"");
            psi.ArgumentList.Add("mailcluster-node");
        }
        psi.ArgumentList.Add(NodeDll);
        psi.ArgumentList.Add("--config");
        psi.ArgumentList.Add(ConfigPath);
        foreach (var a in extraArgs) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, _stdout, _stdoutClosed, isStdout: true);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, _stderr, _stderrClosed, isStdout: false);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException("node exited before it was ready"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    // The ready lines are log lines now (timestamp and level first in text, a JSON object in json): match inside them.
    [GeneratedRegex(@"listener mx ready on [^\s""]*:(\d+)")]
    private static partial Regex MxReadyLine();

    [GeneratedRegex(@"admin API on (http://[^\s""]+)")]
    private static partial Regex AdminLine();

    private void OnLine(string? line, StringBuilder sink, TaskCompletionSource closed, bool isStdout)
    {
        if (line is null) { closed.TrySetResult(); return; }
        lock (sink) sink.AppendLine(line);
        if (!isStdout) return;
        var m = MxReadyLine().Match(line);
        if (m.Success) Port = int.Parse(m.Groups[1].Value);
        var admin = AdminLine().Match(line);
        if (admin.Success) AdminUrl = new Uri(admin.Groups[1].Value);
        if (line.Contains("MailCluster node ready", StringComparison.Ordinal)) _ready.TrySetResult();
    }

    /// <summary>Starts the node without waiting (for runs expected to exit on their own).</summary>
    public static NodeProcess Launch(string configText, string? workDir = null, params string[] extraArgs) =>
        new(configText, workDir, extraArgs);

    /// <summary>Starts the node and waits for its ready line; throws with its output if it does not get there.</summary>
    public static Task<NodeProcess> StartAsync(string configText, string? workDir = null) => StartAsync(configText, workDir, shellPrelude: null);

    /// <summary>As <see cref="StartAsync(string, string?)"/>, with more arguments after the first --config (more --config files).</summary>
    public static Task<NodeProcess> StartAsync(string configText, string workDir, string[] extraArgs) => StartAsync(configText, workDir, shellPrelude: null, extraArgs);

    /// <summary>As <see cref="StartAsync(string, string?)"/>, with bash running <paramref name="shellPrelude"/> first (resource limits for fault tests).</summary>
    public static async Task<NodeProcess> StartAsync(string configText, string? workDir, string? shellPrelude, params string[] extraArgs)
    {
        var node = new NodeProcess(configText, workDir, extraArgs, shellPrelude);
        try
        {
            await node._ready.Task.WaitAsync(StartTimeout);
            if (node.Port == 0) throw new InvalidOperationException("ready without an mx listener line");
            return node;
        }
        catch (Exception ex)
        {
            await Task.WhenAny(Task.WhenAll(node._stdoutClosed.Task, node._stderrClosed.Task), Task.Delay(2000));
            var output = $"node did not become ready ({ex.Message})\n--- stdout\n{node.StdOut}\n--- stderr\n{node.StdErr}";
            node.Dispose();
            throw new InvalidOperationException(output, ex);
        }
    }

    /// <summary>Runs the node to completion: (exit code, stdout, stderr).</summary>
    public static Task<(int ExitCode, string StdOut, string StdErr)> RunToExitAsync(
        string configText, string? workDir = null, params string[] extraArgs) =>
        RunToExitAsync(configText, workDir, StartTimeout, extraArgs);

    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunToExitAsync(
        string configText, string? workDir, TimeSpan timeout, params string[] extraArgs)
    {
        using var node = Launch(configText, workDir, extraArgs);
        var code = await node.WaitForExitAsync(timeout);
        return (code, node.StdOut, node.StdErr);
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush, nothing.</summary>
    public void Kill()
    {
        try { _process.Kill(entireProcessTree: false); } catch (InvalidOperationException) { }
    }

    /// <summary>SIGTERM: asks for a graceful stop.</summary>
    public void Terminate()
    {
        if (SysKill(_process.Id, SigTerm) != 0)
            throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for exit and for both output streams to drain; throws TimeoutException if it takes longer.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"node pid {Pid} still running after {timeout}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}");
        }
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        _ownedDir?.Dispose();
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int sig);
}
