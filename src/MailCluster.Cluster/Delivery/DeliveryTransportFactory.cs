namespace MailCluster.Cluster.Delivery;

public sealed class DeliveryTransportFactory(DeliverySettings settings) : IDeliveryTransportFactory
{
    public Task<(IDeliveryTransport? Transport, TransportUnavailable? Failure)> OpenAsync(string hopKey, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
