using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using MailCluster.Core.Spool;

namespace MailCluster.Cluster.Inbound.Connection;

/// <summary>What every SMTP session of a node shares: the spool, the relay-policy actor and the TLS certificate.</summary>
public sealed record InboundServices(
    IMessageSpool Spool,
    IActorRef RelayPolicy,
    X509Certificate2? Certificate,
    TimeSpan StoreTimeout,
    TimeSpan PolicyTimeout);
