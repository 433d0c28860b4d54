using System.Diagnostics;
using System.Reflection;

namespace MailCluster.Dashboard.Tests;

/// <summary>
/// Runs browser/dashboard-check.mjs (playwright-core driving Debian's Chromium) as a child process. Missing Chromium
/// or node_modules fail the test with the command that fixes it: CI installs both, so a skip would hide a broken CI.
/// </summary>
internal static class BrowserCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static string BrowserDir { get; } = typeof(BrowserCheck).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "BrowserDir").Value!;

    public static string Chromium => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    public static void AssertInstalled()
    {
        Assert.True(File.Exists(Chromium),
            $"Chromium not found at {Chromium}: run 'apt-get install -y chromium' (or set CHROMIUM_PATH). .ci/run installs it.");
        Assert.True(Directory.Exists(Path.Combine(BrowserDir, "node_modules", "playwright-core")),
            $"playwright-core not installed: run 'npm ci' in {BrowserDir}. .ci/run does.");
    }

    /// <returns>The exit code and everything the script printed.</returns>
    public static Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> arguments, string? token) =>
        RunScriptAsync("dashboard-check.mjs", arguments, token);

    /// <summary>Runs one of the scripts in browser/ with node.</summary>
    public static async Task<(int ExitCode, string Output)> RunScriptAsync(string script, IReadOnlyList<string> arguments, string? token)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = BrowserDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (token is not null) start.Environment["MAILCLUSTER_ADMIN_TOKEN"] = token;
        start.Environment["CHROMIUM_PATH"] = Chromium;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Timeout);
        try { await process.WaitForExitAsync(deadline.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"timed out after {Timeout}\n{await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
