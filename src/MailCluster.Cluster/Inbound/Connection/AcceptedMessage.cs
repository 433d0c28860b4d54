using System.Net;
using MailCluster.Core.Messages;
using MailCluster.Core.Spool;
using MailCluster.Smtp.Session;

namespace MailCluster.Cluster.Inbound.Connection;

/// <summary>
/// Turns a finished transaction into the message to spool: a fresh queue id, and on top of the body as received our
/// Received: header and, above it, any DKIM-Signature fields (which sign the body and its headers, not the trace).
/// </summary>
internal static class AcceptedMessage
{
    public static SpooledMessage Create(SmtpSession session, IPAddress clientIp, string hostName, ReadOnlySpan<byte> body,
        ReadOnlySpan<byte> signatures = default, MailCluster.Smtp.Transport.TlsSessionInfo? tls = null)
    {
        var tx = session.Transaction ?? throw new InvalidOperationException("no transaction");
        var queueId = QueueId.New();
        var now = DateTimeOffset.Now;
        var single = tx.Recipients.Count == 1 ? tx.Recipients[0].Address : null;
        var header = ReceivedHeader.Build(session.HeloName ?? "unknown", clientIp, hostName, session.ReceivedProtocol, queueId, single, now,
            tls is null ? null : $"{tls.Protocol} with cipher {tls.Cipher}");
        var content = new byte[signatures.Length + header.Length + body.Length];
        signatures.CopyTo(content);
        header.CopyTo(content, signatures.Length);
        body.CopyTo(content.AsSpan(signatures.Length + header.Length));
        var ip = clientIp.IsIPv4MappedToIPv6 ? clientIp.MapToIPv4() : clientIp;
        return new SpooledMessage(queueId, tx.Sender.Address, tx.Recipients.Select(r => r.Address).ToList(),
            ip.ToString(), session.HeloName ?? "", now, content);
    }
}
