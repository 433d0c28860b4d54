using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using MailCluster.Cluster.Queue;

namespace MailCluster.Cluster.Inbound.Connection;

/// <summary>
/// What every SMTP session of a node shares: message acceptance (spool + queues), the relay-policy actor, the TLS
/// certificate, outbound DKIM signing, and the count of writes in progress that tells a session when the store is behind.
/// </summary>
public sealed record InboundServices(
    IMessageAcceptance Acceptance,
    IActorRef RelayPolicy,
    X509Certificate2? Certificate,
    TimeSpan StoreTimeout,
    TimeSpan PolicyTimeout,
    PendingWrites PendingWrites,
    Signing.OutboundSigning? Signing = null);
