using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Npgsql;

namespace MailCluster.TestSupport.Postgres;

/// <summary>
/// A private PostgreSQL server for tests: a fresh cluster (initdb) in a temp folder, listening on 127.0.0.1 at a
/// free port with trust authentication, fsync on. Run as root, the server runs as the <c>postgres</c> user (or
/// <c>nobody</c>), which owns the folder. <see cref="StopServerAsync"/> and <see cref="StartServerAsync"/> simulate an
/// outage: same folder, same port. Binaries come from PATH or /usr/lib/postgresql/*/bin (Debian's layout).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string Superuser = "postgres";
    private readonly PostgresBinaries _bin;
    private readonly string _root;
    private readonly string? _runAs;
    private int _databases;

    private PostgresServer(PostgresBinaries bin, string root, string? runAs, int port)
    {
        _bin = bin;
        _root = root;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; private set; }
    private string DataDir => Path.Combine(_root, "data");
    private string LogFile => Path.Combine(_root, "server.log");

    /// <summary>The database created at start ("mailcluster"), as the superuser over TCP.</summary>
    public string ConnectionString => ConnectionStringFor("mailcluster");

    public bool IsRunning { get; private set; }

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Database = database,
        // Tests stop the server under live pools: give up quickly instead of waiting out the defaults.
        Timeout = 5,
    }.ConnectionString;

    /// <summary>initdb, start, create the "mailcluster" database. Takes about two seconds.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        var bin = PostgresBinaries.Find();
        var runAs = IsRoot() ? ChooseServerUser() : null;
        // /tmp, not $TMPDIR: the server user must be able to reach the folder, and the socket path must stay short.
        var tmp = Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();
        var root = Path.Combine(tmp, $"mailcluster-pg-{Guid.NewGuid():N}"[..27]);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(root);
        else Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var server = new PostgresServer(bin, root, runAs, FreePorts.ForChildProcess());
        try
        {
            if (runAs is not null) await RunAsync("chown", ["-R", runAs, root], ct);
            await server.RunAsServerUserAsync(bin.InitDb,
                ["-D", server.DataDir, "-U", Superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], ct);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await server.StartServerAsync(ct);
                    break;
                }
                catch (InvalidOperationException ex) when (attempt < 5 && ex.Message.Contains("Address already in use"))
                {
                    // Another test (a node process, another server) took the port between our check and the bind.
                    server.Port = FreePorts.ForChildProcess();
                }
            }
            await server.CreateDatabaseAsync("mailcluster", ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server on the same folder and port and waits until it accepts connections.</summary>
    public async Task StartServerAsync(CancellationToken ct = default)
    {
        var options = $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=200";
        try
        {
            await RunAsServerUserAsync(_bin.PgCtl, ["start", "-w", "-t", "60", "-D", DataDir, "-l", LogFile, "-o", options], ct);
        }
        catch (InvalidOperationException ex)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile, ct) : "(no log)";
            throw new InvalidOperationException($"{ex.Message}\nserver log:\n{log}", ex);
        }
        IsRunning = true;
    }

    /// <summary>Fast shutdown: open connections are cut, as in an outage. The data stays.</summary>
    public async Task StopServerAsync(CancellationToken ct = default)
    {
        if (!IsRunning) return;
        await RunAsServerUserAsync(_bin.PgCtl, ["stop", "-w", "-m", "fast", "-D", DataDir], ct);
        IsRunning = false;
    }

    /// <summary>
    /// The server's processes right now: the postmaster (first line of postmaster.pid) and its children (backends,
    /// checkpointer, WAL writer...), for fault tests that freeze (SIGSTOP) or kill (SIGKILL) the whole server.
    /// </summary>
    public IReadOnlyList<int> ServerProcessIds()
    {
        var pidFile = Path.Combine(DataDir, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).First(), out var postmaster)) return [];
        var children = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ParentOf(pid) == postmaster);
        return [postmaster, .. children];
    }

    /// <summary>The server was killed from outside (SIGKILL): start it again as after a crash.</summary>
    public void MarkCrashed() => IsRunning = false;

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so count from the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return -1; }
    }

    /// <summary>Creates an empty database (a fresh one per test keeps tests apart) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken ct = default)
    {
        name ??= $"test_{Interlocked.Increment(ref _databases)}";
        var admin = new NpgsqlConnectionStringBuilder(ConnectionStringFor("postgres")) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(ct);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync(ct);
        return ConnectionStringFor(name);
    }

    public async Task StopAsync()
    {
        try
        {
            await StopServerAsync();
        }
        finally
        {
            try { Directory.Delete(_root, recursive: true); } catch (DirectoryNotFoundException) { }
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private Task RunAsServerUserAsync(string program, IReadOnlyList<string> args, CancellationToken ct) =>
        _runAs is null ? RunAsync(program, args, ct) : RunAsync("runuser", ["-u", _runAs, "--", program, .. args], ct);

    /// <summary>Runs a tool to completion; a non-zero exit throws with what it printed.</summary>
    private static async Task RunAsync(string program, IReadOnlyList<string> args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode == 0) return;
        var output = await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(5), ct);
        throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {string.Concat(output)}");
    }


    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();

    private static bool IsRoot() => !OperatingSystem.IsWindows() && geteuid() == 0;

    /// <summary>PostgreSQL refuses to run as root: use the distribution's postgres user, else nobody.</summary>
    private static string ChooseServerUser()
    {
        var users = File.Exists("/etc/passwd") ? File.ReadLines("/etc/passwd").Select(l => l.Split(':')[0]).ToHashSet() : [];
        return users.Contains("postgres") ? "postgres" : "nobody";
    }
}
