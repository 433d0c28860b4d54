using System.Security.Cryptography.X509Certificates;
using MailCluster.Core.Policy;
using MailCluster.Core.Spool;

namespace MailCluster.Cluster.Inbound.Connection;

/// <summary>What every SMTP session of a node shares: the spool, the recipient policy and the TLS certificate.</summary>
public sealed record InboundServices(
    IMessageSpool Spool,
    LocalDomainRecipientPolicy RecipientPolicy,
    X509Certificate2? Certificate,
    TimeSpan StoreTimeout);
