using MailCluster.Core.Delivery.Client;
using MailCluster.Core.Delivery.Dns;

namespace MailCluster.Core.Delivery;

/// <summary>
/// The result of <see cref="SmtpConnector.ConnectAsync"/>: an open, usable client, or the failure that every
/// recipient for this route gets until the next attempt (<see cref="DeliveryFailure.For(IEnumerable{string})"/>).
/// </summary>
public sealed record SmtpConnectResult(SmtpDeliveryClient? Client, DeliveryFailure? Failure)
{
    public bool Connected => Client is not null;
}

/// <summary>
/// Opens a connection for a route: resolves it (MX or literal host), then tries the addresses in order
/// (at most <see cref="SmtpDeliveryOptions.MaxConnectAttempts"/>) until one connects and completes the
/// greeting/EHLO/TLS handshake. A caller that keeps the client can send several messages over it with
/// <see cref="SmtpDeliveryClient.DeliverAsync"/> while <see cref="SmtpDeliveryClient.IsUsable"/>.
/// </summary>
public static class SmtpConnector
{
    public static async Task<SmtpConnectResult> ConnectAsync(SmtpRoute route, MxResolver resolver, SmtpDeliveryOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(options);

        var resolution = route.UseMx
            ? await resolver.ResolveAsync(route.Host, ct)
            : await resolver.ResolveHostAsync(route.Host, ct);
        if (resolution.ToFailure() is { } dnsFailure) return new SmtpConnectResult(null, dnsFailure);

        DeliveryFailure? last = null;
        var attempts = 0;
        foreach (var host in resolution.Hosts)
        {
            foreach (var address in host.Addresses)
            {
                if (attempts++ >= Math.Max(1, options.MaxConnectAttempts)) goto exhausted;
                var client = await TryConnectAsync(host.Name, address, route.Port, options, ct);
                if (client.Client is not null) return client;
                last = client.Failure;
            }
        }
        exhausted:
        return new SmtpConnectResult(null, last ?? DeliveryFailure.Deferred("4.4.1", $"no address to connect to for {route}"));
    }

    /// <summary>One address; a failed opportunistic STARTTLS handshake is retried once in plaintext (as Postfix does).</summary>
    private static async Task<SmtpConnectResult> TryConnectAsync(string host, System.Net.IPAddress address, int port, SmtpDeliveryOptions options, CancellationToken ct)
    {
        SmtpDeliveryClient client;
        try
        {
            client = await SmtpDeliveryClient.ConnectAsync(host, address, port, options, ct);
        }
        catch (SmtpConnectException e)
        {
            return new SmtpConnectResult(null, e.Failure);
        }
        if (client.IsUsable) return new SmtpConnectResult(client, null);

        await client.DisposeAsync();
        if (client.TlsHandshakeFailed && options.TlsMode == SmtpTlsMode.Opportunistic)
            return await TryConnectAsync(host, address, port, options with { TlsMode = SmtpTlsMode.Disabled }, ct);
        return new SmtpConnectResult(null, client.SessionFailure);
    }
}
