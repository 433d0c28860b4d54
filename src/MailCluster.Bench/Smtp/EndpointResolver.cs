using System.Net;
using System.Net.Sockets;

namespace MailCluster.Bench.Smtp;

public static class EndpointResolver
{
    /// <summary>Resolve once up front so thousands of reconnects do not each pay for a DNS lookup.</summary>
    public static async Task<IPEndPoint> ResolveAsync(string host, int port)
    {
        if (IPAddress.TryParse(host, out var literal)) return new IPEndPoint(literal, port);
        var addresses = await Dns.GetHostAddressesAsync(host);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
        return new IPEndPoint(chosen, port);
    }
}
