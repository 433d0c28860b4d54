using MailCluster.Core.Delivery;

namespace MailCluster.Cluster.Delivery;

/// <summary>One open path to a next hop (an SMTP/LMTP connection, or the local mailbox store) that can carry several messages.</summary>
public interface IDeliveryTransport : IAsyncDisposable
{
    Task<IReadOnlyList<RecipientResult>> DeliverAsync(OutboundMessage message, CancellationToken cancellationToken);

    /// <summary>False once the connection broke; the worker then stops instead of sending the next message.</summary>
    bool IsUsable { get; }

    /// <summary>Before reusing a connection that sat idle: is it still there? A false answer makes the worker reconnect.</summary>
    Task<bool> ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>Why no transport could be opened: every recipient of the job gets this outcome.</summary>
public sealed record TransportUnavailable(DeliveryStatus Status, string EnhancedStatus, string Diagnostic, string? RemoteMta = null);

/// <summary>Opens transports by next-hop key ("local", "smtp:[host]:port", "smtp:example.com", "lmtp:[host]:port").</summary>
public interface IDeliveryTransportFactory
{
    Task<(IDeliveryTransport? Transport, TransportUnavailable? Failure)> OpenAsync(string hopKey, CancellationToken cancellationToken);
}
