using Akka.Actor;
using MailCluster.Cluster.Logging;
using MailCluster.Cluster.Queue;
using MailCluster.Core.Bounce;
using MailCluster.Core.Spool;
using static MailCluster.Cluster.Bounce.BounceProtocol;

namespace MailCluster.Cluster.Bounce;

/// <summary>
/// Postfix's bounce daemon: builds an RFC 3464 DSN from the original's headers and accepts it like any other message
/// (spool, route, enqueue), from &lt;&gt; so that it can never bounce again.
/// </summary>
public sealed class BounceActor : ReceiveActor
{
    private readonly IMessageSpool _spool;
    private readonly Func<IMessageAcceptance> _acceptance;
    private readonly string _hostName;
    private readonly MailLog _mailLog = MailLog.For(Context);

    public BounceActor(IMessageSpool spool, Func<IMessageAcceptance> acceptance, string hostName)
    {
        _spool = spool;
        _acceptance = acceptance;
        _hostName = hostName;
        Receive<CreateBounce>(request => CreateAsync(request, _mailLog).PipeTo(Sender));
    }

    public static Props Props(IMessageSpool spool, Func<IMessageAcceptance> acceptance, string hostName) =>
        Akka.Actor.Props.Create(() => new BounceActor(spool, acceptance, hostName));

    private async Task<object> CreateAsync(CreateBounce request, MailLog mailLog)
    {
        try
        {
            var original = await _spool.LoadAsync(request.OriginalQueueId);
            var recipients = request.Recipients.Select(r => new DsnRecipient(r.Recipient,
                r.OriginalRecipient == r.Recipient ? null : r.OriginalRecipient, r.Status, r.Diagnostic, r.RemoteMta,
                r.LastAttempt, request.RetryUntil)).ToList();
            var dsn = DsnBuilder.Build(new DsnReport(_hostName, request.OriginalQueueId, request.Sender, request.ArrivedAt,
                recipients, original?.Content ?? ReadOnlyMemory<byte>.Empty, request.DelayWarning) { IsDoubleBounce = request.DoubleBounce });
            var message = new SpooledMessage(request.BounceQueueId, "", [request.Sender], "127.0.0.1", _hostName,
                DateTimeOffset.UtcNow, dsn);
            await _acceptance().AcceptAsync(message);
            mailLog.Info(MailEvents.DsnQueued, ("queue_id", request.OriginalQueueId), ("dsn_queue_id", request.BounceQueueId),
                ("kind", request.DelayWarning ? "delay" : request.DoubleBounce ? "double-bounce" : "failure"), ("to", request.Sender), ("nrcpt", request.Recipients.Count));
            return new BounceCreated(request.BounceQueueId);
        }
        catch (Exception ex)
        {
            return new Status.Failure(ex);
        }
    }
}
