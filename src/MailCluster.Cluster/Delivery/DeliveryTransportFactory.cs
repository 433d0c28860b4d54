using System.Net;
using DnsClient;
using MailCluster.Core.Delivery;
using MailCluster.Core.Delivery.Client;
using MailCluster.Core.Delivery.Dns;
using MailCluster.Core.Delivery.Local;
using MailCluster.Core.Routing;

namespace MailCluster.Cluster.Delivery;

/// <summary>Opens the transport a next-hop key names: the Maildir store, or an SMTP/LMTP connection (MX-resolved or literal).</summary>
public sealed class DeliveryTransportFactory : IDeliveryTransportFactory
{
    private readonly DeliverySettings _settings;
    private readonly MaildirDelivery _maildir;
    private readonly Lazy<MxResolver> _resolver;

    public DeliveryTransportFactory(DeliverySettings settings, string hostName)
    {
        _settings = settings;
        _maildir = new MaildirDelivery(settings.MaildirRoot, hostName);
        _resolver = new Lazy<MxResolver>(() => new MxResolver(new MxResolverOptions(Servers(settings), settings.DnsTimeout,
            Math.Max(0, settings.DnsAttempts - 1))));
    }

    /// <summary>Configured resolvers, or the system's when none are (tests always configure a loopback stub).</summary>
    private static IReadOnlyList<IPEndPoint> Servers(DeliverySettings settings) =>
        settings.DnsServers.Count > 0
            ? settings.DnsServers
            : NameServer.ResolveNameServers(skipIPv6SiteLocal: true, fallbackToGooglePublicDns: false).Select(n => new IPEndPoint(IPAddress.Parse(n.Address), n.Port)).ToList();

    public async Task<(IDeliveryTransport? Transport, TransportUnavailable? Failure)> OpenAsync(string hopKey, CancellationToken cancellationToken)
    {
        if (!NextHop.TryParse(hopKey, out var hop))
            return (null, new TransportUnavailable(DeliveryStatus.Failed, "5.3.5", $"x-local; '{hopKey}' is not a next hop this node can use"));
        if (hop.Transport == NextHop.LocalTransport) return (new MaildirTransport(_maildir), null);

        var route = hop.IsLiteral ? SmtpRoute.Literal(hop.Host, hop.Port) : SmtpRoute.Mx(hop.Host, _settings.MxPort);
        var options = new SmtpDeliveryOptions
        {
            HeloName = _settings.HeloName,
            ConnectTimeout = _settings.ConnectTimeout,
            CommandTimeout = _settings.CommandTimeout,
            DataTimeout = _settings.DataTimeout,
            TlsMode = _settings.Tls,
            Lmtp = hop.Transport == NextHop.LmtpTransport,
        };
        var connected = await SmtpConnector.ConnectAsync(route, _resolver.Value, options, cancellationToken);
        if (connected.Client is { } client) return (new SmtpTransport(client, _settings.CommandTimeout), null);
        var f = connected.Failure!;
        return (null, new TransportUnavailable(f.Status, f.EnhancedStatus, f.Diagnostic, f.RemoteMta));
    }
}
