using Akka.Actor;
using MailCluster.Cluster.Delivery;
using MailCluster.Core.Spool;

namespace MailCluster.Cluster.Queue;

/// <summary>What every next-hop queue entity on a node shares.</summary>
public sealed record QueueServices(
    IMessageSpool Spool,
    IDeliveryTransportFactory Transports,
    IActorRef Bounces,
    QueueSettings Settings);
