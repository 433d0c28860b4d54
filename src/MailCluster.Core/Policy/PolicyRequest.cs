using System.Net;
using MailCluster.Core.Dnsbl;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Core.Policy;

/// <summary>
/// Everything a restriction may look at. The client IP is the socket's peer address, never anything the client said.
/// <see cref="Dnsbl"/> is looked up before evaluation (rules stay pure); null when no zone is configured.
/// </summary>
public sealed record PolicyRequest(
    IPAddress ClientIp,
    string HeloName,
    MailPath Sender,
    MailPath? Recipient,
    string? AuthenticatedUser,
    DnsblResult? Dnsbl = null);
