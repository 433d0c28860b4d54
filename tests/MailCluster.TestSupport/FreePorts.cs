using System.Net;
using System.Net.Sockets;

namespace MailCluster.TestSupport;

/// <summary>
/// Free loopback ports for a child process (a node, PostgreSQL) to bind later. A port from bind(0) comes from the
/// kernel's ephemeral range, from which every outgoing connection of every process also takes its local port, so on a
/// busy machine such a port was sometimes taken between the choice and the child's own bind (CI: "cannot listen on
/// 127.0.0.1:35481: Address already in use"). These come from below that range instead, where the kernel hands out
/// nothing by itself; each process walks them from a random start, so parallel test processes rarely meet.
/// </summary>
public static class FreePorts
{
    private static readonly (int Low, int High) Range = ChooseRange();
    private static int _next = Random.Shared.Next(0, Range.High - Range.Low);

    public static int ForChildProcess()
    {
        var size = Range.High - Range.Low;
        for (var i = 0; i < size; i++)
        {
            var port = Range.Low + (int)((uint)Interlocked.Increment(ref _next) % (uint)size);
            if (IsFree(port)) return port;
        }
        throw new InvalidOperationException($"no free loopback port in {Range.Low}-{Range.High}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Up to 12,000 ports just below the ephemeral range (Linux: ip_local_port_range, 32768 by default).</summary>
    private static (int, int) ChooseRange()
    {
        var ephemeralLow = 32768;
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (text.Length > 0 && int.TryParse(text[0], out var low)) ephemeralLow = low;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        var high = Math.Max(ephemeralLow, 12000);
        return (Math.Max(10000, high - 12000), high);
    }
}
