using Akka.Actor;
using MailCluster.Cluster.Queue;

namespace MailCluster.Cluster.Inbound.Connection;

/// <summary>
/// What every SMTP session of a node shares: message acceptance (spool + queues), the relay-policy actor, the TLS
/// certificate, who counts as ours, outbound DKIM signing, the MX-side sender checks, and the count of writes in progress that tells a session when the store is behind.
/// </summary>
public sealed record InboundServices(
    IMessageAcceptance Acceptance,
    IActorRef RelayPolicy,
    Tls.ServerCertificate? Certificate,
    TimeSpan StoreTimeout,
    TimeSpan PolicyTimeout,
    PendingWrites PendingWrites,
    Policy.ClientTrust? Trust = null,
    Signing.OutboundSigning? Signing = null,
    SenderAuth.InboundAuthentication? SenderAuth = null);
