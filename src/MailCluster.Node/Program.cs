using System.Runtime.InteropServices;
using MailCluster.Cluster.Hosting;
using MailCluster.Node;
using Microsoft.Extensions.Logging;

// mailcluster-node [--config FILE]... [validate-config | migrate | hash-password]   (mailcluster-node --help)
//   Runs one node with the embedded reference.conf, the --config files layered over it in order.
var options = NodeCommandLine.Parse(args);
if (options.Mode == NodeMode.Help) return options.PrintHelp();
if (options.Error is not null)
{
    Console.Error.WriteLine($"error: {options.Error}");
    Console.Error.WriteLine("usage: mailcluster-node [--config FILE]... [validate-config | migrate | hash-password]; see mailcluster-node --help");
    return 2;
}

if (options.Mode == NodeMode.HashPassword) return PasswordCommand.Run();

Akka.Configuration.Config userLayer;
IReadOnlyList<ConfigProblem> includeWarnings;
try
{
    (userLayer, includeWarnings) = MailClusterConfig.ParseFiles(options.ConfigFiles);
}
catch (ConfigValidationException ex)
{
    return ConfigErrors.Report(ex.Problems);
}
var config = MailClusterConfig.Layer(userLayer);

IReadOnlyList<ConfigProblem> problems;
try
{
    var (_, loaded) = NodeSettingsLoader.TryLoad(config, userLayer);
    problems = [.. includeWarnings, .. loaded];
}
catch (Exception ex)
{
    // Loaders report problems rather than throw; this is the safety net, so a loader bug is still exit 78 and a sentence.
    return ConfigErrors.Report([new ConfigProblem(ProblemSeverity.Error, "mailcluster",
        $"the configuration could not be read ({ex.GetType().Name}: {ex.Message})")]);
}
foreach (var warning in problems.Where(p => p.Severity == ProblemSeverity.Warning)) Console.Error.WriteLine(warning);
if (problems.Any(p => p.Severity == ProblemSeverity.Error)) return ConfigErrors.Report(problems);
if (options.Mode == NodeMode.ValidateConfig)
{
    Console.WriteLine($"configuration is valid{(options.ConfigFiles.Count == 0 ? "" : $": {string.Join(" + ", options.ConfigFiles)}")}");
    return 0;
}

if (options.Mode == NodeMode.Migrate) return await MigrateCommand.RunAsync(config, userLayer);

NodeHost host;
try
{
    host = await NodeHost.StartAsync(config, userLayer);
}
catch (ConfigValidationException ex)
{
    return ConfigErrors.Report(ex.Problems);
}

// SIGTERM and Ctrl-C stop the node cleanly: listeners close, then the actor system and the spool.
// Registered before the ready line, so a supervisor that signals as soon as it sees it gets a clean stop.
var stop = new TaskCompletionSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.TrySetResult(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.TrySetResult(); });
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
{
    ctx.Cancel = true;
    _ = PolicyReload.RunAsync(host, options.ConfigFiles);
});

// These lines go through the node's log sink (mailcluster.logging) like everything else. Scripts and tests wait for
// "node ready" and read the port from "listener mx ready on HOST:PORT": keep those words in the messages.
var log = host.LoggerFactory.CreateLogger("MailCluster.Node");
// Already on stderr above; repeated in the node's log so a log collector (json) sees what the operator should fix.
foreach (var warning in problems.Where(p => p.Severity == ProblemSeverity.Warning))
    log.LogWarning("configuration warning: {path}: {reason}", warning.Path, warning.Reason);
foreach (var (name, endpoint) in host.Endpoints)
    log.LogInformation("MailCluster node {host}: listener {listener} ready on {endpoint}", host.Settings.HostName, name, endpoint.ToString());
if (host.Admin is not null)
    log.LogInformation("MailCluster node {host}: admin API on {admin_url}", host.Settings.HostName, $"http://{host.Admin.Endpoint}");
log.LogInformation("MailCluster node ready; data in {data_dir}", Path.GetFullPath(host.Settings.DataDir));

await Task.WhenAny(stop.Task, host.System.WhenTerminated);
log.LogInformation("MailCluster node stopping");
await host.DisposeAsync();
return 0;
