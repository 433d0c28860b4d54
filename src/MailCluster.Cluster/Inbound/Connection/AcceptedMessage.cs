using System.Net;
using MailCluster.Core.Messages;
using MailCluster.Core.Spool;
using MailCluster.Smtp.Session;

namespace MailCluster.Cluster.Inbound.Connection;

/// <summary>Turns a finished transaction into the message to spool: a fresh queue id and the Received: header on top.</summary>
internal static class AcceptedMessage
{
    public static SpooledMessage Create(SmtpSession session, IPAddress clientIp, string hostName, ReadOnlySpan<byte> body)
    {
        var tx = session.Transaction ?? throw new InvalidOperationException("no transaction");
        var queueId = QueueId.New();
        var now = DateTimeOffset.Now;
        var single = tx.Recipients.Count == 1 ? tx.Recipients[0].Address : null;
        var header = ReceivedHeader.Build(session.HeloName ?? "unknown", clientIp, hostName, session.ReceivedProtocol, queueId, single, now);
        var content = new byte[header.Length + body.Length];
        header.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(header.Length));
        var ip = clientIp.IsIPv4MappedToIPv6 ? clientIp.MapToIPv4() : clientIp;
        return new SpooledMessage(queueId, tx.Sender.Address, tx.Recipients.Select(r => r.Address).ToList(),
            ip.ToString(), session.HeloName ?? "", now, content);
    }
}
