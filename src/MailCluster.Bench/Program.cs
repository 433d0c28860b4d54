using System.Globalization;
using System.Net.Sockets;
using MailCluster.Bench.Cli;
using MailCluster.Bench.Idle;
using MailCluster.Bench.Send;

// Numbers in reports must not depend on the machine's locale (decimal commas break scripts).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

const int BadArguments = 2;

if (args is [] or ["help" or "--help" or "-h", ..])
{
    (args is [] ? Console.Error : Console.Out).WriteLine(UsageText.Text);
    return args is [] ? BadArguments : 0;
}

try
{
    var options = new ArgParser(args[1..], new HashSet<string> { "json" });
    return args[0] switch
    {
        "send" => await SendBenchmark.RunAsync(SendOptions.Parse(options)),
        "idle" => await IdleBenchmark.RunAsync(IdleOptions.Parse(options)),
        _ => throw new UsageException($"unknown mode '{args[0]}'"),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(UsageText.Text);
    return BadArguments;
}
catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData)
{
    // Only the up-front host lookup can get here; per-session socket errors are counted, not thrown.
    Console.Error.WriteLine($"error: cannot resolve host: {ex.Message}");
    return BadArguments;
}
